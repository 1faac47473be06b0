// The panel's API reference: Redoc's standalone bundle (nginx/panel/vendor/,
// from the package locked in nginx/vendor/) renders /api/openapi.json. No
// inline script: this file starts it. The document is public, like the page.
(function () {
  'use strict';
  // Redoc's sidebar shows its maker's logo from a CDN; the page fetches
  // nothing off the desk (its CSP would refuse it and report a violation),
  // so an image from another origin is dropped before it is requested.
  var ownOrigin = function (url) {
    try { return new URL(url, document.baseURI).origin === location.origin || /^data:/.test(url); } catch (e) { return false; }
  };
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === 'src' && !ownOrigin(String(value))) {
      this.hidden = true;
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set: function (value) { if (ownOrigin(String(value))) src.set.call(this, value); else this.hidden = true; }
  });

  var status = document.getElementById('ref-status');
  var root = document.getElementById('redoc');
  if (typeof window.Redoc === 'undefined') {
    status.textContent = 'The API reference could not load its renderer. The document is at /api/openapi.json.';
    return;
  }
  window.Redoc.init('/api/openapi.json', {
    hideDownloadButton: false,
    jsonSampleExpandLevel: 2,
    sortPropsAlphabetically: false,
    pathInMiddlePanel: true,
    theme: { typography: { fontFamily: 'system-ui, sans-serif', headings: { fontFamily: 'system-ui, sans-serif' } } }
  }, root, function (err) {
    if (err) {
      status.textContent = 'The API reference could not be shown: ' + (err.message || err);
      return;
    }
    status.hidden = true;
    document.body.classList.add('ref-ready');
  });
})();
