/* The canonical record layout, read in C: mustafid.records.canon's fast reader (see its docstring for the layout).
 *
 * load(text) -> dict | None. It returns a dict only for a text entirely in the layout Mustafid writes
 * (records.format.dump_record): one item per line, two spaces per level, sequences' dashes two spaces in from their key,
 * double-quoted strings with the escapes \" \\ \n, plain values that are integers, decimals, true, false, [] or
 * {}, a key never twice in a mapping. Anything else - including every text YAML would read but Mustafid does not
 * write - gives None, and the careful reader (ruamel) reads it and words the problem. So this reader never has to
 * understand YAML: only to refuse what it does not know. tests/records/test_canon.py compares it with ruamel on
 * examples, generated records and random texts of the layout's own pieces.
 *
 * Every read is bounded by the end of the buffer; nesting is limited to MAX_DEPTH levels.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define MAX_DEPTH 24

typedef struct {
    const char *p;   /* the next line's first byte */
    const char *end;
    int depth;
    PyObject *lazy;  /* top-level keys whose block is kept as its text (bytes), unread; or NULL */
} Reader;

/* One line, split: indent, dash, key, value (the value's bytes, still to convert). */
typedef struct {
    int indent;
    int dash;
    const char *key;
    Py_ssize_t key_len;
    const char *value;   /* NULL: no value after "key:" */
    int literal;         /* "key: |-": a literal block follows on the next lines */
    Py_ssize_t value_len;
    const char *next;    /* the byte after this line's newline */
} Line;

/* A byte sequence YAML does not print as it is, or a reader folds: C0 controls (the newline is handled by the
 * caller), DEL, C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF. Returns its length, or 0 if s starts a
 * printable character. */
static int odd_at(const unsigned char *s, const unsigned char *end) {
    unsigned char c = s[0];
    if (c < 0x20 || c == 0x7f) return 1;
    if (c == 0xc2 && s + 1 < end && s[1] >= 0x80 && s[1] <= 0x9f) return 2;
    if (c == 0xe2 && s + 2 < end && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) return 3;
    if (c == 0xef && s + 2 < end && ((s[1] == 0xbb && s[2] == 0xbf) || (s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf)))) return 3;
    return 0;
}

/* The end of a double-quoted string starting at s (s[0] == '"'): the byte after the closing quote, or NULL. */
static const char *string_end(const char *s, const char *end) {
    const unsigned char *q = (const unsigned char *)s + 1, *e = (const unsigned char *)end;
    while (q < e) {
        if (*q == '"') return (const char *)q + 1;
        if (*q == '\\') {
            if (q + 1 >= e || (q[1] != '"' && q[1] != '\\' && q[1] != 'n')) return NULL;
            q += 2;
            continue;
        }
        if (odd_at(q, e)) return NULL;
        q++;
    }
    return NULL;
}

/* The end of a number -?(0|[1-9][0-9]{0,14})(\.[0-9]{0,5}[1-9])? at s, or NULL. A decimal never ends in 0: a
 * decimal read is never a whole number (so a JSON Schema "integer" is always a Python int). */
static const char *number_end(const char *s, const char *end) {
    const char *q = s;
    if (q < end && *q == '-') q++;
    if (q >= end || *q < '0' || *q > '9') return NULL;
    if (*q == '0') q++;
    else {
        int n = 0;
        while (q < end && *q >= '0' && *q <= '9') { q++; if (++n > 15) return NULL; }
    }
    if (q < end && *q == '.') {
        const char *f = ++q;
        while (q < end && *q >= '0' && *q <= '9') q++;
        if (q == f || q - f > 6 || q[-1] == '0') return NULL;
    }
    return q;
}

/* The end of a value (string, number, true, false, [], {}) at s, or NULL. */
static const char *value_end(const char *s, const char *end) {
    if (s >= end) return NULL;
    if (*s == '"') return string_end(s, end);
    if (*s == '-' || (*s >= '0' && *s <= '9')) return number_end(s, end);
    if (end - s >= 4 && memcmp(s, "true", 4) == 0) return s + 4;
    if (end - s >= 5 && memcmp(s, "false", 5) == 0) return s + 5;
    if (end - s >= 2 && (memcmp(s, "[]", 2) == 0 || memcmp(s, "{}", 2) == 0)) return s + 2;
    return NULL;
}

/* Split the line at r->p. Returns 1, 0 at the end of the text, -1 if the line is not in the layout. */
static int read_line(Reader *r, Line *ln) {
    const char *s = r->p, *end = r->end;
    if (s >= end) return 0;
    memset(ln, 0, sizeof *ln);
    while (s < end && *s == ' ') s++;
    ln->indent = (int)(s - r->p);
    if (end - s >= 2 && s[0] == '-' && s[1] == ' ') { ln->dash = 1; s += 2; }
    if (s < end && *s >= 'a' && *s <= 'z') {
        const char *k = s;
        while (s < end && ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) s++;
        if (s < end && *s == ':') {
            Py_ssize_t n = s - k;
            if ((n == 4 && (memcmp(k, "true", 4) == 0 || memcmp(k, "null", 4) == 0)) || (n == 5 && memcmp(k, "false", 5) == 0))
                return -1;
            ln->key = k;
            ln->key_len = n;
            s++;
            if (s < end && *s == '\n') { ln->next = s + 1; return 1; }
            if (s >= end || *s != ' ') return -1;
            s++;
            if (end - s >= 3 && s[0] == '|' && s[1] == '-' && s[2] == '\n') {
                ln->literal = 1;
                ln->next = s + 3;
                return 1;
            }
        } else {
            s = k;  /* true or false, read as a value below */
        }
    }
    const char *v = s, *e = value_end(s, end);
    if (e == NULL || e >= end || *e != '\n') return -1;
    ln->value = v;
    ln->value_len = e - v;
    ln->next = e + 1;
    return 1;
}

static PyObject *make_string(const char *s, Py_ssize_t n) {
    /* s includes the quotes */
    const char *body = s + 1, *stop = s + n - 1;
    if (memchr(body, '\\', (size_t)(stop - body)) == NULL) return PyUnicode_DecodeUTF8(body, stop - body, "strict");
    char *buf = PyMem_Malloc((size_t)(stop - body) + 1);
    if (buf == NULL) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    for (const char *q = body; q < stop; q++) {
        if (*q == '\\') {
            q++;
            buf[m++] = *q == 'n' ? '\n' : *q;
        } else {
            buf[m++] = *q;
        }
    }
    PyObject *out = PyUnicode_DecodeUTF8(buf, m, "strict");
    PyMem_Free(buf);
    return out;
}

static PyObject *make_value(const char *s, Py_ssize_t n) {
    char tmp[32];
    switch (*s) {
    case '"': return make_string(s, n);
    case 't': Py_RETURN_TRUE;
    case 'f': Py_RETURN_FALSE;
    case '[': return PyList_New(0);
    case '{': return PyDict_New();
    default:
        if (n >= (Py_ssize_t)sizeof tmp) return NULL;
        memcpy(tmp, s, (size_t)n);
        tmp[n] = '\0';
        if (memchr(tmp, '.', (size_t)n) != NULL) {
            double d = PyOS_string_to_double(tmp, NULL, NULL);
            if (d == -1.0 && PyErr_Occurred()) return NULL;
            return PyFloat_FromDouble(d);
        }
        return PyLong_FromString(tmp, NULL, 10);
    }
}

/* Sentinel for "not in the layout" (as opposed to a Python error, which is NULL with an exception set). */
static PyObject NOT_CANONICAL_OBJ;
#define NOT_CANONICAL (&NOT_CANONICAL_OBJ)

static PyObject *read_mapping(Reader *r, int indent, Line *first);
static PyObject *read_sequence(Reader *r, int indent);

/* The value of "key:" with nothing after it: a block below (mapping or sequence), or None. */
static PyObject *read_block(Reader *r, int indent) {
    Line ln;
    Reader peek = *r;
    int got = read_line(&peek, &ln);
    if (got < 0) return NOT_CANONICAL;
    if (got == 0 || ln.indent <= indent) Py_RETURN_NONE;
    if (ln.indent != indent + 2) return NOT_CANONICAL;
    if (r->depth >= MAX_DEPTH) return NOT_CANONICAL;
    r->depth++;
    PyObject *out = ln.dash ? read_sequence(r, indent + 2) : read_mapping(r, indent + 2, NULL);
    r->depth--;
    return out;
}

/* Keys repeat in every record (a form has a few dozen): each one's str is made once and kept, interned, with its
 * hash computed; the same key object in every record also makes the checks' dictionary lookups cheaper. */
#define KEY_SLOTS 1024
#define KEY_MAX 48
static struct { Py_ssize_t len; char bytes[KEY_MAX]; PyObject *str; } key_cache[KEY_SLOTS];

static PyObject *make_key(const char *k, Py_ssize_t n) {
    if (n >= KEY_MAX) return PyUnicode_DecodeUTF8(k, n, "strict");
    unsigned h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
    for (unsigned probe = 0; probe < 8; probe++) {
        unsigned slot = (h + probe) % KEY_SLOTS;
        if (key_cache[slot].str == NULL) {
            PyObject *str = PyUnicode_DecodeUTF8(k, n, "strict");
            if (str == NULL) return NULL;
            PyUnicode_InternInPlace(&str);
            key_cache[slot].len = n;
            memcpy(key_cache[slot].bytes, k, (size_t)n);
            key_cache[slot].str = str;  /* the cache's reference, kept for the life of the process */
            Py_INCREF(str);
            return str;
        }
        if (key_cache[slot].len == n && memcmp(key_cache[slot].bytes, k, (size_t)n) == 0) {
            Py_INCREF(key_cache[slot].str);
            return key_cache[slot].str;
        }
    }
    return PyUnicode_DecodeUTF8(k, n, "strict");  /* a crowded neighbourhood: no caching */
}

/* The lines of a "key: |-" block, the key at column `indent`: each exactly `indent + 2` spaces then text that
 * does not start with a space (so YAML's indentation detection finds the same), or an empty line between two
 * such lines (a paragraph break). Joined by line breaks, the last one stripped (the "-"). Anything else -
 * deeper lines, whitespace-only lines, empty lines first or last - is not the layout. */
static PyObject *read_literal(Reader *r, int indent) {
    const char *p = r->p, *end = r->end;
    int want = indent + 2;
    char *buf = PyMem_Malloc((size_t)(end - p) + 1);
    if (buf == NULL) return PyErr_NoMemory();
    Py_ssize_t n = 0;
    int lines = 0, pending_empty = 0;
    for (;;) {
        if (p >= end) break;
        if (*p == '\n') { pending_empty++; p++; continue; }
        const char *q = p;
        while (q < end && *q == ' ') q++;
        if (q - p < want) break;                             /* the block ended (a line less indented) */
        if (q - p > want || q >= end || *q == '\n') goto refuse;  /* deeper, or only spaces */
        if (pending_empty && lines == 0) goto refuse;
        const unsigned char *t = (const unsigned char *)q, *e = (const unsigned char *)end;
        while (t < e && *t != '\n') {
            int odd = odd_at(t, e);
            if (odd) goto refuse;
            t++;
        }
        if (t >= e) goto refuse;                              /* the text must end with a line break */
        if (lines) buf[n++] = '\n';
        for (; pending_empty > 0; pending_empty--) buf[n++] = '\n';
        memcpy(buf + n, q, (size_t)((const char *)t - q));
        n += (const char *)t - q;
        lines++;
        p = (const char *)t + 1;
    }
    if (lines == 0 || pending_empty) goto refuse;            /* no text, or empty lines at the end */
    r->p = p;
    PyObject *out = PyUnicode_DecodeUTF8(buf, n, "strict");
    PyMem_Free(buf);
    return out;
refuse:
    PyMem_Free(buf);
    return NOT_CANONICAL;
}

/* A top-level key's block (the lines below it, each indented; an empty line only between two of them) as its
 * text, unread: the caller reads it if it ever needs the value. NULL when there is no such block (the key's value is
 * then read as usual: None). */
static PyObject *skip_block(Reader *r) {
    const char *q = r->p, *stop = r->p, *end = r->end;
    while (q < end) {
        if (*q == ' ') {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            if (nl == NULL) return NULL;
            q = stop = nl + 1;
        } else if (*q == '\n') {
            q++;
        } else {
            break;
        }
    }
    if (stop == r->p) return NULL;
    PyObject *out = PyBytes_FromStringAndSize(r->p, stop - r->p);
    r->p = stop;
    return out;
}

static int set_item(Reader *r, PyObject *dict, const Line *ln, int indent, PyObject **failed) {
    PyObject *key = make_key(ln->key, ln->key_len);
    if (key == NULL) { *failed = NULL; return -1; }
    int has = PyDict_Contains(dict, key);
    if (has != 0) {  /* a key twice (or an error) */
        Py_DECREF(key);
        *failed = has < 0 ? NULL : NOT_CANONICAL;
        return -1;
    }
    PyObject *value = NULL;
    if (indent == 0 && r->lazy != NULL && ln->value == NULL && !ln->literal) {
        int wanted = PySet_Contains(r->lazy, key);
        if (wanted < 0) { Py_DECREF(key); *failed = NULL; return -1; }
        if (wanted) value = skip_block(r);
        if (value == NULL && PyErr_Occurred()) { Py_DECREF(key); *failed = NULL; return -1; }
    }
    if (value == NULL)
        value = ln->literal ? read_literal(r, indent)
              : ln->value != NULL ? make_value(ln->value, ln->value_len) : read_block(r, indent);
    if (value == NULL || value == NOT_CANONICAL) {
        Py_DECREF(key);
        *failed = value;
        return -1;
    }
    int rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(key);
    Py_DECREF(value);
    if (rc < 0) { *failed = NULL; return -1; }
    return 0;
}

/* A mapping whose keys are at column `indent`. `first`: a key already split off a sequence's dash line. */
static PyObject *read_mapping(Reader *r, int indent, Line *first) {
    PyObject *dict = PyDict_New(), *failed = NOT_CANONICAL;
    if (dict == NULL) return NULL;
    if (first != NULL && set_item(r, dict, first, indent, &failed) < 0) goto fail;
    for (;;) {
        Line ln;
        Reader peek = *r;
        int got = read_line(&peek, &ln);
        if (got < 0) goto fail;
        if (got == 0 || ln.indent < indent) return dict;
        if (ln.indent != indent || ln.dash || ln.key == NULL) goto fail;
        r->p = ln.next;
        if (set_item(r, dict, &ln, indent, &failed) < 0) goto fail;
    }
fail:
    Py_DECREF(dict);
    return failed;
}

/* A sequence whose dashes are at column `indent`. */
static PyObject *read_sequence(Reader *r, int indent) {
    PyObject *list = PyList_New(0), *item = NOT_CANONICAL;
    if (list == NULL) return NULL;
    for (;;) {
        Line ln;
        Reader peek = *r;
        int got = read_line(&peek, &ln);
        if (got < 0) { item = NOT_CANONICAL; goto fail; }
        if (got == 0 || ln.indent < indent) return list;
        if (ln.indent != indent || !ln.dash) { item = NOT_CANONICAL; goto fail; }
        r->p = ln.next;
        if (ln.key != NULL) {
            if (r->depth >= MAX_DEPTH) { item = NOT_CANONICAL; goto fail; }
            r->depth++;
            item = read_mapping(r, indent + 2, &ln);
            r->depth--;
        } else {
            item = make_value(ln.value, ln.value_len);
        }
        if (item == NULL || item == NOT_CANONICAL) goto fail;
        int rc = PyList_Append(list, item);
        Py_DECREF(item);
        if (rc < 0) { item = NULL; goto fail; }
    }
fail:
    Py_DECREF(list);
    return item;
}

static PyObject *canon_load(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *arg, *lazy = NULL;
    if (!PyArg_ParseTuple(args, "O|O", &arg, &lazy)) return NULL;
    if (lazy == Py_None) lazy = NULL;
    if (lazy != NULL && !PyAnySet_Check(lazy)) {
        PyErr_SetString(PyExc_TypeError, "load(): lazy must be a set or frozenset of keys");
        return NULL;
    }
    Py_ssize_t n;
    const char *text;
    if (PyUnicode_Check(arg)) {
        text = PyUnicode_AsUTF8AndSize(arg, &n);
        if (text == NULL) {  /* e.g. a lone surrogate: not a record Mustafid wrote */
            PyErr_Clear();
            Py_RETURN_NONE;
        }
    } else if (PyBytes_Check(arg)) {
        /* A file's bytes, as read: everything outside strings and comments is ASCII by the layout, and strings
         * and comments are decoded strictly below, so bytes that are not UTF-8 give None (the careful reader
         * then says so) - no need to decode the whole file first. */
        text = PyBytes_AS_STRING(arg);
        n = PyBytes_GET_SIZE(arg);
    } else {
        PyErr_SetString(PyExc_TypeError, "load() takes str or bytes");
        return NULL;
    }
    Reader r = {text, text + n, 0, lazy};
    /* comment lines at the top only */
    while (r.p < r.end && *r.p == '#') {
        const unsigned char *q = (const unsigned char *)r.p + 1, *e = (const unsigned char *)r.end;
        while (q < e && *q != '\n' && !odd_at(q, e)) q++;
        if (q >= e || *q != '\n') Py_RETURN_NONE;
        PyObject *comment = PyUnicode_DecodeUTF8(r.p, (const char *)q - r.p, "strict");
        if (comment == NULL) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        Py_DECREF(comment);
        r.p = (const char *)q + 1;
    }
    Line ln;
    Reader peek = r;
    if (read_line(&peek, &ln) != 1 || ln.indent != 0 || ln.dash || ln.key == NULL) Py_RETURN_NONE;
    PyObject *out = read_mapping(&r, 0, NULL);
    if (out == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {  /* bytes that are not UTF-8, in a string */
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return NULL;
    }
    if (out == NOT_CANONICAL) Py_RETURN_NONE;
    if (r.p != r.end) {  /* stopped early: a line the layout does not allow */
        Py_DECREF(out);
        Py_RETURN_NONE;
    }
    return out;
}

static PyMethodDef methods[] = {
    {"load", canon_load, METH_VARARGS,
     "load(text, lazy=None): the record as dicts and lists, or None if the text is not in the canonical layout. The "
     "top-level keys in the set `lazy` that have a block below them get that block's text (bytes), not read."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_canon", "The canonical record layout, read in C.", -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__canon(void) { return PyModule_Create(&module); }
