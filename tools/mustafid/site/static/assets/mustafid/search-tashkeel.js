/* Tashkeel-insensitive search, query side. The index is written without tashkeel (mustafid.site.search strips
   it at build time); a query typed with harakat would then find nothing, because the theme's search does not
   pass the query through a diacritics filter. Strip them from the search box before the search reads it: a
   capturing listener on the document runs before the search's own listener on the input. The box is found
   where each engine puts it: material 9's .md-search__input in the page, or Zensical's search box inside the
   (open) shadow root of its search dialog, reached through the event's composed path. */
(function () {
  var TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g;
  function searchBox(event) {
    var input = event.composedPath ? event.composedPath()[0] : event.target;
    if (!input || input.tagName !== "INPUT" || !input.classList) return null;
    if (input.classList.contains("md-search__input")) return input;
    var root = input.getRootNode ? input.getRootNode() : null;
    var inDialog = input.closest && input.closest("dialog");
    return root && root.host && inDialog ? input : null;
  }
  function clean(event) {
    var input = searchBox(event);
    if (!input) return;
    var stripped = input.value.replace(TASHKEEL, "");
    if (stripped !== input.value) {
      var caret = input.selectionStart === null ? stripped.length
        : input.value.slice(0, input.selectionStart).replace(TASHKEEL, "").length;
      input.value = stripped;
      input.setSelectionRange(caret, caret);
    }
  }
  ["input", "keyup", "keydown", "change", "focus"].forEach(function (type) {
    document.addEventListener(type, clean, true);
  });
})();
