/* Tashkeel-insensitive search, query side. The index is written without tashkeel (the mustafid plugin strips
   it at build time); a query typed with harakat would then find nothing, because material's search does not
   pass the query through lunr.ar's diacritics filter. Strip them from the search box before material reads it:
   a capturing listener on the document runs before material's own listener on the input. */
(function () {
  var TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g;
  function clean(event) {
    var input = event.target;
    if (!input || !input.classList || !input.classList.contains("md-search__input")) return;
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
