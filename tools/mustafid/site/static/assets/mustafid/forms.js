/* Mustafid form pages, with JavaScript on (the page works fully without it: every step is a plain POST).
   - relevance: a field whose condition (data-relevant, the definition's own JSON) does not hold is hidden and
     its inputs disabled; evaluate() is a faithful port of tools/mustafid/conditions.py.
   - repeat groups: "add" and "remove" without a reload, from the group's <template>.
   - checks as you go: the answers so far go to the intake's /api/check/<form-id>, which answers with the very
     messages of the server (one catalogue); only fields the person has left are marked.
   - calculated answers (a total income) shown as the server works them out with each check.
   - filtered lists (region -> city), focus on the error summary, the receipt's "copy" button.
   Plain ES2020, no framework, nothing loaded from another host. */
(() => {
  "use strict";

  const ARABIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;
  const ascii = (s) => String(s).replace(ARABIC_DIGITS, (d) => String((d.charCodeAt(0) & 0xf) % 10));
  const fold = (s) => ascii(s).replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u200b-\u200d\ufeff]/g, "")
    .replace(/\s+/g, " ").trim();

  // -- the condition language (conditions.py) --------------------------------------------------------------
  const MISSING = Symbol("missing");
  const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  // str() as Python writes it (a list is "['a', 'b']", so a list never equals one of its items as text)
  const pyRepr = (v) => (typeof v === "string" ? "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'" : pyStr(v));
  const pyStr = (v) => (v === true ? "True" : v === false ? "False" : v === null || v === undefined ? "None"
    : Array.isArray(v) ? "[" + v.map(pyRepr).join(", ") + "]"
      : isMap(v) ? "{" + Object.entries(v).map(([k, x]) => pyRepr(k) + ": " + pyRepr(x)).join(", ") + "}" : String(v));
  const pyEq = (a, b) => {
    const num = (x) => typeof x === "number" || typeof x === "boolean";
    if (num(a) && num(b)) return Number(a) === Number(b);
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
    return a === b;
  };
  const same = (v, arg) => pyEq(v, arg) || (pyStr(v) === pyStr(arg) && typeof v !== "boolean");
  const inList = (v, arg) => Array.isArray(arg) && (arg.some((a) => pyEq(v, a)) || arg.map(pyStr).includes(pyStr(v)));

  function lookup(name, data, item, self) {
    if (name === ".") return self === MISSING ? null : self;
    if (item && Object.prototype.hasOwnProperty.call(item, name)) return item[name];
    return Object.prototype.hasOwnProperty.call(data, name) ? data[name] : null;
  }

  function operand(v, data, item, self) {
    if (isMap(v)) {
      if ("field" in v) return lookup(v.field, data, item, self);
      if ("count" in v) return (data[v.count] || []).length;
    }
    return v;
  }

  function answered(v) {
    return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)
      && !(isMap(v) && Object.keys(v).length === 0);
  }

  function compare(op, v, arg) {
    const kind = (x) => (typeof x === "boolean" ? "number" : typeof x);
    if (kind(v) !== kind(arg) || !["number", "string"].includes(kind(v))) return false; // Python: TypeError
    const a = typeof v === "boolean" ? Number(v) : v;
    const b = typeof arg === "boolean" ? Number(arg) : arg;
    return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
  }

  function evaluate(cond, data, item = null, self = MISSING) {
    if (cond === null || cond === undefined) return true;
    if ("all" in cond) return cond.all.every((c) => evaluate(c, data, item, self));
    if ("any" in cond) return cond.any.some((c) => evaluate(c, data, item, self));
    if ("not" in cond) return !evaluate(cond.not, data, item, self);
    const v = lookup("field" in cond ? cond.field : ".", data, item, self);
    for (const [op, raw] of Object.entries(cond)) {
      if (op === "field") continue;
      const arg = operand(raw, data, item, self);
      let ok;
      if (op === "answered") ok = answered(v) === Boolean(arg);
      else if (!answered(v) && v !== false) ok = false;
      else if (op === "equals") ok = same(v, arg);
      else if (op === "not_equals") ok = !same(v, arg);
      else if (op === "in") ok = inList(v, arg);
      else if (op === "not_in") ok = !inList(v, arg);
      else if (op === "includes") ok = Array.isArray(v) && v.some((x) => pyEq(x, arg));
      else if (["gt", "gte", "lt", "lte"].includes(op)) ok = compare(op, v, arg);
      else ok = false;
      if (!ok) return false;
    }
    return true;
  }
  window.mustafidEvaluate = evaluate; // for the browser tests, which compare it with the Python one

  const domId = (path) => (path === "declaration.confirmed" || path === "_declaration" ? "f-declaration"
    : path === "declaration.consent" || path === "_consent" ? "f-consent" : "f-" + path.replace(/\./g, "-"));

  // -- the receipt --------------------------------------------------------------------------------------------
  for (const button of document.querySelectorAll(".mf-copy[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(button.dataset.copy).then(() => {
        const label = button.textContent;
        button.textContent = button.dataset.copied;
        setTimeout(() => { button.textContent = label; }, 2500);
      }, () => {});
    });
  }

  // -- the receipt: the request is sent, so its draft on this device is forgotten
  const sent = document.querySelector(".mf-receipt[data-form]");
  if (sent && document.getElementById("mf-ref")) {
    try { localStorage.removeItem("mustafid-draft:" + sent.dataset.form); } catch (_) { /* nothing kept */ }
  }
  for (const button of document.querySelectorAll(".mf-print")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  const form = document.querySelector("form.mf-form[data-check-url]");
  if (!form) return;
  form.classList.add("mf-js");
  const lang = form.dataset.lang === "en" ? "en" : "ar";
  const number = (n) => (lang === "ar" ? String(n).replace(/[0-9]/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]) : String(n));

  // -- reading the answers as validation types them -----------------------------------------------------------
  const ownFields = (root) => [...root.querySelectorAll(".mf-field[data-field]")]
    .filter((el) => el.parentElement.closest(".mf-field[data-field], template") === (root.matches(".mf-field") ? root : root.closest(".mf-field[data-field]")));

  function controls(wrapper) {
    const name = wrapper.dataset.field;
    return [...form.elements].filter((el) => el.name === name || el.name.startsWith(name + ".") && wrapper.dataset.type === "national_address");
  }

  function valueOf(wrapper) {
    const type = wrapper.dataset.type;
    const els = controls(wrapper); // disabled or not: relevance decides, as validation does
    if (type === "national_address") {
      const out = {};
      for (const el of els) if (fold(el.value)) out[el.name.slice(wrapper.dataset.field.length + 1)] = fold(el.value);
      return Object.keys(out).length ? out : null;
    }
    if (type === "multi_choice") {
      const vals = els.filter((el) => el.checked).map((el) => el.value);
      return vals.length ? vals : null;
    }
    let raw = "";
    for (const el of els) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.type !== "file") raw = el.value;
    }
    const s = fold(raw);
    if (!s) return null;
    if (type === "yes_no") return s === "yes" ? true : s === "no" ? false : null;
    if (type === "integer" || type === "money") {
      const n = s.replace(/[,\u066c ]/g, "").replace(/\u066b/g, ".");
      const ok = type === "integer" ? /^-?[0-9]+$/.test(n) : /^-?[0-9]+(\.[0-9]{1,2})?$/.test(n);
      return ok ? Number(n) : null;
    }
    return s;
  }

  // Answers of one scope (the form, or a repeat row), with relevance applied in page order as validation does.
  function scope(root, data, item) {
    const target = item || data;
    const wrappers = ownFields(root);
    for (const w of wrappers) {
      const id = w.dataset.field.split(".").pop();
      if (w.dataset.type === "repeat") {
        const rows = [];
        for (const row of w.querySelectorAll(":scope > fieldset > .mf-items > .mf-item")) {
          const values = {};
          scope(row, data, values);
          row._values = values;
          if (Object.values(values).some(answered)) rows.push(values);
        }
        target[id] = rows;
      } else if (w.dataset.type !== "file" && w.dataset.type !== "note") {
        const v = valueOf(w);
        if (v !== null) target[id] = v;
      }
    }
    for (const w of wrappers) {
      const id = w.dataset.field.split(".").pop();
      const relevant = w.dataset.relevant ? evaluate(JSON.parse(w.dataset.relevant), data, item) : true;
      w._relevant = relevant;
      if (!relevant) delete target[id];
    }
    return target;
  }

  function applyRelevance() {
    const data = {};
    scope(form, data, null);
    for (const w of form.querySelectorAll(".mf-field[data-relevant]")) w.hidden = w._relevant === false;
    // a hidden question sends nothing (disabled inputs are not submitted), whatever its place in the page
    for (const el of form.querySelectorAll(".mf-field input, .mf-field select, .mf-field textarea, .mf-field button")) {
      el.disabled = Boolean(el.closest(".mf-field[hidden]"));
    }
    return data;
  }

  // -- filtered lists (region -> city) ------------------------------------------------------------------------
  function parentOf(sel) {
    const row = sel.closest(".mf-item");
    const name = sel.dataset.filterBy;
    if (row) {
      const own = row.dataset.item + "." + name;
      const found = [...form.elements].find((el) => el.name === own);
      if (found) return own;
    }
    return name;
  }

  function refilter(sel) {
    if (!sel._groups) sel._groups = [...sel.querySelectorAll("optgroup")].map((g) => g.cloneNode(true));
    const name = parentOf(sel);
    const chosen = [...form.elements].filter((el) => el.name === name && (!/radio|checkbox/.test(el.type) || el.checked))
      .map((el) => el.value).find((v) => v) || "";
    const current = sel.value;
    for (const g of sel.querySelectorAll("optgroup")) g.remove();
    for (const g of sel._groups) if (!chosen || g.dataset.group === chosen) sel.append(g.cloneNode(true));
    sel.value = [...sel.options].some((o) => o.value === current) ? current : "";
  }

  // -- repeat groups ------------------------------------------------------------------------------------------
  function renumber(group) {
    const path = group.dataset.repeat;
    const tpl = group.querySelector(":scope > template");
    const heading = tpl.content.querySelector(".mf-item__title").textContent;
    const removeLabel = tpl.content.querySelector(".mf-remove").textContent;
    [...group.querySelectorAll(":scope > .mf-items > .mf-item")].forEach((row, k) => {
      const old = row.dataset.item.slice(path.length + 1);
      if (old !== String(k)) {
        const from = [path + "." + old + ".", domId(path + "." + old) + "-", path + "." + old];
        const to = [path + "." + k + ".", domId(path + "." + k) + "-", path + "." + k];
        for (const el of [row, ...row.querySelectorAll("*")]) {
          for (const attr of ["name", "id", "for", "aria-describedby", "data-field", "data-item", "value"]) {
            const v = el.getAttribute(attr);
            if (v === null || (attr === "value" && !el.classList.contains("mf-remove"))) continue;
            let out = v;
            for (let i = 0; i < from.length; i++) out = out.split(from[i]).join(to[i]);
            if (out !== v) el.setAttribute(attr, out);
          }
        }
      }
      row.querySelector(".mf-item__title").textContent = heading.replace("__n__", number(k + 1));
      row.querySelector(".mf-remove").textContent = removeLabel.replace("__n__", number(k + 1));
    });
  }

  function addRow(group, focus = true) {
    const rows = group.querySelectorAll(":scope > .mf-items > .mf-item");
    const max = group.dataset.max === undefined ? Infinity : Number(group.dataset.max);
    if (rows.length >= max) return null;
    const tpl = group.querySelector(":scope > template");
    const html = tpl.innerHTML.split("__i__").join(String(rows.length)).split("__n__").join(number(rows.length + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.firstElementChild;
    group.querySelector(":scope > .mf-items").append(row);
    for (const sel of row.querySelectorAll("select[data-filter-by]")) refilter(sel);
    applyRelevance();
    if (focus) row.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    return row;
  }

  function removeRow(row) {
    const group = row.closest("[data-repeat]");
    const addButton = group.querySelector(":scope > .mf-add");
    row.remove();
    renumber(group);
    applyRelevance();
    addButton.focus();
  }

  const isEmptyRow = (row) => ![...row.querySelectorAll("input, select, textarea")]
    .some((el) => (/radio|checkbox/.test(el.type) ? el.checked : fold(el.value)));

  function syncCount(countName) {
    for (const group of form.querySelectorAll(`[data-count-from="${CSS.escape(countName)}"]`)) {
      const el = form.elements.namedItem(countName);
      const v = el && !(el instanceof RadioNodeList) ? fold(el.value) : "";
      if (!/^[0-9]{1,3}$/.test(v)) continue;
      const want = Math.max(Number(v), Number(group.dataset.min || 0));
      let rows = [...group.querySelectorAll(":scope > .mf-items > .mf-item")];
      while (rows.length < want && addRow(group, false)) rows = [...group.querySelectorAll(":scope > .mf-items > .mf-item")];
      while (rows.length > want && isEmptyRow(rows[rows.length - 1])) {
        rows.pop().remove();
      }
      renumber(group);
    }
    applyRelevance();
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.classList.contains("mf-add")) {
      event.preventDefault();
      addRow(button.closest("[data-repeat]"));
    } else if (button.classList.contains("mf-remove")) {
      event.preventDefault();
      removeRow(button.closest(".mf-item"));
    }
  });

  // -- checks as you go -----------------------------------------------------------------------------------------
  const touched = new Set();
  let timer = 0;
  let sequence = 0;

  function body() {
    const params = new URLSearchParams();
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.type === "file") {
        for (const f of el.files || []) params.append("_file." + el.name, `${f.name}|${f.type}|${f.size}`);
        continue;
      }
      params.append(el.name, el.value);
    }
    return params;
  }

  function showProblem(path, messages) {
    const el = document.getElementById(domId(path));
    if (!el) return;
    const wrapper = el.closest(".mf-part") || el.closest(".mf-field");
    if (!wrapper) return;
    const fieldset = wrapper.querySelector(":scope > fieldset");
    const box = fieldset || wrapper;
    let error = box.querySelector(":scope > .mf-error");
    const described = fieldset || (el.matches("input[type=radio], input[type=checkbox]") && !el.closest(".mf-declaration") ? null : el);
    const errorId = (el.id || domId(path)) + "-error";
    if (messages.length) {
      if (!error) {
        error = document.createElement("p");
        error.className = "mf-error";
        error.id = errorId;
        const before = box.querySelector(":scope > .mf-control") || el;
        before.parentElement.insertBefore(error, before);
      }
      error.replaceChildren(...messages.flatMap((m, i) => {
        const hidden = document.createElement("span");
        hidden.className = "mf-visually-hidden";
        hidden.textContent = lang === "ar" ? "خطأ:" : "Error:";
        return [...(i ? [document.createElement("br")] : []), hidden, document.createTextNode(" " + m)];
      }));
      wrapper.classList.add("mf-field--error");
      if (described) {
        const ids = new Set((described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
        ids.add(error.id);
        described.setAttribute("aria-describedby", [...ids].join(" "));
      }
      if (!fieldset) el.setAttribute("aria-invalid", "true");
    } else if (error) {
      if (described) {
        const ids = (described.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== error.id);
        if (ids.length) described.setAttribute("aria-describedby", ids.join(" "));
        else described.removeAttribute("aria-describedby");
      }
      error.remove();
      wrapper.classList.remove("mf-field--error");
      el.removeAttribute("aria-invalid");
      for (const r of wrapper.querySelectorAll("[aria-invalid]")) r.removeAttribute("aria-invalid");
    }
  }

  async function check() {
    const mine = ++sequence;
    let answer;
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST", body: body(), credentials: "omit", headers: { Accept: "application/json" },
      });
      if (!response.ok) return false;
      answer = await response.json();
    } catch (_) {
      return false; // offline or no intake: the server checks everything when the form is sent
    }
    if (mine !== sequence || !answer || !Array.isArray(answer.problems)) return false;
    // calculated answers (a total income), worked out by the server as the check page will show them
    for (const out of form.querySelectorAll("output[data-calc]")) {
      const figure = answer.calculated && answer.calculated[out.dataset.calc];
      if (typeof figure === "string" && figure) out.textContent = figure;
    }
    const byPath = new Map();
    for (const p of answer.problems) {
      const path = p.path === "declaration.confirmed" ? "_declaration" : p.path === "declaration.consent" ? "_consent" : p.path;
      if (!byPath.has(path)) byPath.set(path, []);
      byPath.get(path).push(lang === "ar" ? p.ar : p.en);
    }
    for (const path of touched) showProblem(path, byPath.get(path) || []);
    return true;
  }

  function touch(el) {
    if (!el.name || el.name.startsWith("_stash.") || el.name === "_hp") return;
    touched.add(el.name);
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }

  form.addEventListener("focusout", (event) => {
    const el = event.target;
    if (!el.matches("input, select, textarea") || el.type === "file") return;
    // leaving one radio for the next of the same group is not leaving the question
    if (/radio|checkbox/.test(el.type) && event.relatedTarget && event.relatedTarget.name === el.name) return;
    touch(el);
  });

  form.addEventListener("change", (event) => {
    const el = event.target;
    for (const sel of form.querySelectorAll("select[data-filter-by]")) {
      if (parentOf(sel) === el.name) refilter(sel);
    }
    if (form.querySelector(`[data-count-from="${CSS.escape(el.name)}"]`)) syncCount(el.name);
    applyRelevance();
    if (el.type === "file" || /radio|checkbox/.test(el.type) || el.tagName === "SELECT") touch(el);
  });

  form.addEventListener("input", (event) => {
    if (/radio|checkbox|file/.test(event.target.type)) return;
    applyRelevance();
  });


  // -- steps: one section at a time, with progress (without JavaScript the whole form is one page) ---------------
  const words = (() => { try { return JSON.parse(form.dataset.words || "{}"); } catch (_) { return {}; } })();
  const steps = [...form.querySelectorAll(":scope > .mf-step")];
  const final = form.querySelector(":scope > .mf-final");
  let current = 0;

  function showStep(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach((s, k) => { s.dataset.current = String(k === current); });
    if (final) final.dataset.current = String(current === steps.length - 1);
    if (focus) {
      const title = steps[current].querySelector(".mf-section__title");
      steps[current].scrollIntoView();
      title.focus({ preventScroll: true });
    }
    saveDraft();
  }
  window.mustafidShowStep = (el) => {
    const k = steps.findIndex((s) => s.contains(el));
    if (k >= 0 && form.classList.contains("mf-stepping")) showStep(k, false);
  };

  async function next() {
    const step = steps[current];
    for (const el of step.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (!el.disabled && !el.name.startsWith("_stash.") && el.name !== "_hp") touched.add(el.name);
    }
    const status = step.querySelector(":scope > .mf-step-status");
    status.textContent = "";
    if (await check()) {
      const wrong = [...step.querySelectorAll(".mf-field--error")].find((w) => !w.closest("[hidden]"));
      if (wrong) {
        status.textContent = words.step_problems || "";
        const input = wrong.querySelector("input:not([type=hidden]), select, textarea");
        wrong.scrollIntoView();
        (input || wrong).focus({ preventScroll: true });
        return;
      }
    }
    showStep(current + 1, true);
  }

  function stepNav(step, k) {
    const status = document.createElement("p");
    status.className = "mf-step-status mf-error";
    status.setAttribute("role", "alert");
    step.append(status);
    const nav = document.createElement("div");
    nav.className = "mf-step-nav";
    if (k < steps.length - 1) {
      const forward = document.createElement("button");
      forward.type = "button";
      forward.className = "mf-button mf-next";
      forward.textContent = words.next || "";
      forward.addEventListener("click", () => { next(); });
      nav.append(forward);
    }
    if (k > 0) {
      const back = document.createElement("button");
      back.type = "button";
      back.className = "mf-button mf-button--secondary mf-back";
      back.textContent = words.back || "";
      back.addEventListener("click", () => showStep(k - 1, true));
      nav.append(back);
    }
    step.append(nav);
  }

  if (steps.length > 1) {
    steps.forEach(stepNav);
    form.classList.add("mf-stepping");
    // Enter in a field goes to the next step, not to the check page with half the form unanswered
    form.addEventListener("submit", (event) => {
      const by = event.submitter;
      const sending = by && by.name === "_step" && !by.classList.contains("mf-default");
      if (current < steps.length - 1 && !sending && !(by && (by.name === "_add" || by.name === "_remove"))) {
        event.preventDefault();
        next();
      } else {
        saveDraft();
      }
    });
  }

  // -- the draft, kept on this device only (localStorage) until the request is sent ------------------------------
  const DRAFT = "mustafid-draft:" + form.dataset.form;
  const DRAFT_DAYS = 14;
  let draftTimer = 0;

  function draftFields() {
    const out = [];
    for (const el of form.elements) {
      if (!el.name || el.name.startsWith("_") || /^(file|submit|button|hidden)$/.test(el.type)) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.value !== "") out.push([el.name, el.value]);
    }
    return out;
  }

  function saveDraft() {
    if (!steps.length) return;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => {
      try {
        const fields = draftFields();
        if (!fields.length) localStorage.removeItem(DRAFT); // nothing typed: nothing kept
        else localStorage.setItem(DRAFT, JSON.stringify({ saved: Date.now(), step: current, fields }));
      } catch (_) { /* storage full or refused (private browsing): the form still works */ }
    }, 300);
  }

  function readDraft() {
    try {
      const d = JSON.parse(localStorage.getItem(DRAFT) || "null");
      if (d && Date.now() - d.saved > DRAFT_DAYS * 864e5) localStorage.removeItem(DRAFT); // too old: forgotten
      if (!d || !Array.isArray(d.fields) || Date.now() - d.saved > DRAFT_DAYS * 864e5) return null;
      return d;
    } catch (_) { return null; }
  }

  function restoreDraft(d) {
    for (const group of form.querySelectorAll("[data-repeat]")) {
      const prefix = group.dataset.repeat + ".";
      const rows = new Set(d.fields.map(([n]) => n).filter((n) => n.startsWith(prefix))
        .map((n) => n.slice(prefix.length).split(".")[0]));
      while (group.querySelectorAll(":scope > .mf-items > .mf-item").length < rows.size && addRow(group, false)) { /* more */ }
    }
    const byName = new Map();
    for (const [n, v] of d.fields) byName.set(n, [...(byName.get(n) || []), v]);
    for (let pass = 0; pass < 2; pass++) { // twice: a filtered list (city) takes its value once its parent is set
      for (const el of form.elements) {
        const values = byName.get(el.name);
        if (!values || /^(file|submit|button|hidden)$/.test(el.type)) continue;
        if (el.type === "radio" || el.type === "checkbox") el.checked = values.includes(el.value);
        else el.value = values[0];
      }
      for (const sel of form.querySelectorAll("select[data-filter-by]")) refilter(sel);
    }
    applyRelevance();
    const note = document.createElement("div");
    note.className = "mf-draft-note";
    note.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = (words.draft_restored || "") + " " + (words.draft_shared || "");
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "mf-button mf-button--secondary mf-draft-clear";
    clear.textContent = words.draft_clear || "";
    clear.addEventListener("click", () => {
      try { localStorage.removeItem(DRAFT); } catch (_) { /* nothing kept */ }
      location.replace(location.pathname);
    });
    note.append(text, clear);
    form.prepend(note);
  }

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  // -- photos made smaller before they are sent (a 7 MB phone photo becomes well under 1 MB) ---------------------
  const MAX_SIDE = 2000;
  const SMALL_ENOUGH = 1_500_000;
  const isPhoto = (f) => /^image\/(jpeg|png|webp|heic|heif)$/i.test(f.type) || /\.(jpe?g|png|webp|heic|heif)$/i.test(f.name);
  const mb = (n) => number((n / 1e6).toFixed(1)).replace(".", lang === "ar" ? "٫" : ".") + (lang === "ar" ? " ميغابايت" : " MB");
  const fillIn = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);

  async function shrink(file) {
    if (!isPhoto(file) || file.size <= SMALL_ENOUGH) return file;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (_) {
      return file; // a type this browser cannot draw (HEIC outside Safari): sent as it is, the intake takes it
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close?.();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg", lastModified: Date.now() });
  }

  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (input.type !== "file" || !input.files || !input.files.length || typeof DataTransfer === "undefined") return;
    const limit = Number(input.dataset.maxMb || "5") * 1e6;
    const out = new DataTransfer();
    const said = [];
    for (const f of input.files) {
      const small = await shrink(f);
      out.items.add(small);
      if (small !== f) said.push(fillIn(words.photo_scaled || "", { name: f.name, before: mb(f.size), after: mb(small.size) }));
      else if (f.size > limit) said.push(fillIn(words.photo_too_big || "", { name: f.name, max: number(limit / 1e6) }));
    }
    if (said.length || out.files.length !== input.files.length) input.files = out.files;
    let status = input.parentElement.querySelector(`[data-photo-status="${CSS.escape(input.id)}"]`);
    if (!status) {
      status = document.createElement("p");
      status.className = "mf-hint mf-photo-status";
      status.dataset.photoStatus = input.id;
      status.setAttribute("aria-live", "polite");
      input.after(status);
    }
    status.textContent = said.join(" ");
    touch(input);
  });

  // -- start ---------------------------------------------------------------------------------------------------
  for (const sel of form.querySelectorAll("select[data-filter-by]")) refilter(sel);
  applyRelevance();
  const draft = form.dataset.filled === "no" ? readDraft() : null;
  if (draft && draft.fields.length) restoreDraft(draft);
  if (steps.length > 1) {
    // the step of the first problem the intake found, else the one the draft was at
    const first = document.querySelector("#mf-error-summary a[href^='#']");
    const target = first && document.getElementById(first.getAttribute("href").slice(1).replace(/^q-/, ""));
    const at = target ? steps.findIndex((s) => s.contains(target)) : draft ? Number(draft.step) || 0 : 0;
    showStep(at < 0 ? steps.length - 1 : at, false);
  }
  const summary = document.getElementById("mf-error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const id = link && link.getAttribute("href").slice(1);
      const target = id && document.getElementById(id.startsWith("q-") ? id.slice(2) : id);
      if (!target) return;
      event.preventDefault();
      window.mustafidShowStep?.(target);
      (target.closest(".mf-part") || target.closest(".mf-field") || target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  } else if (location.hash.length > 1) {
    // "Change" on the check page comes back to #q-<field id> (the question's wrapper, never the input's own id:
    // material's content-tabs script acts on a radio whose id is the hash): show the question, focus its answer.
    const hash = decodeURIComponent(location.hash.slice(1));
    const target = document.getElementById(hash.startsWith("q-") ? hash.slice(2) : hash);
    if (target && form.contains(target)) {
      window.mustafidShowStep?.(target);
      (target.closest(".mf-part") || target.closest(".mf-field") || target).scrollIntoView();
      target.focus({ preventScroll: true });
    }
  }
})();
