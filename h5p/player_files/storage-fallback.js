/* Runs before H5P core in the player's frame. A browser that blocks storage in cross-site frames throws
   on any use of window.localStorage, and H5P core then stops before the activity is shown (the frame
   stays 150 px high). Where storage is refused, give the frame an in-memory Storage for this page view:
   H5P keeps its clipboard and its queue of unsent requests there; the officer's progress is saved on
   the server (contentUserData), never in the browser's storage. */
(function () {
  "use strict";
  function usable(name) {
    try {
      var storage = window[name];
      var probe = "__custodia_probe__";
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return true;
    } catch (error) {
      return false;
    }
  }
  function memoryStorage() {
    var items = {};
    return {
      get length() { return Object.keys(items).length; },
      key: function (index) { var keys = Object.keys(items); return index < keys.length ? keys[index] : null; },
      getItem: function (key) { key = String(key); return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null; },
      setItem: function (key, value) { items[String(key)] = String(value); },
      removeItem: function (key) { delete items[String(key)]; },
      clear: function () { items = {}; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    if (usable(name)) return;
    try {
      Object.defineProperty(window, name, { configurable: true, enumerable: true, value: memoryStorage() });
    } catch (error) {
      /* the property cannot be replaced: H5P will report the problem itself */
    }
  });
})();
