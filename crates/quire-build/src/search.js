// quire's site search: runs over window.quireSearchIndex (written by the build), offline.
(function () {
  var input = document.querySelector('.q-search-input');
  if (!input) return;
  var list = input.parentNode.querySelector('.q-search-results');
  var root = input.dataset.root || '';
  var pages = window.quireSearchIndex || [];
  function esc(s) { return s.replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function score(p, words) {
    var t = p.t.toLowerCase(), h = p.h.join(' ').toLowerCase(), x = p.x.toLowerCase(), s = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i], hit = 0;
      if (t.indexOf(w) >= 0) hit += 10;
      if (h.indexOf(w) >= 0) hit += 4;
      if (x.indexOf(w) >= 0) hit += 1;
      if (!hit) return 0;
      s += hit;
    }
    return s;
  }
  function snippet(p, w) {
    var i = p.x.toLowerCase().indexOf(w);
    if (i < 0) return esc(p.x.slice(0, 90));
    var start = Math.max(0, i - 40);
    return (start ? '…' : '') + esc(p.x.slice(start, i)) + '<mark>' + esc(p.x.slice(i, i + w.length)) + '</mark>' + esc(p.x.slice(i + w.length, i + w.length + 60)) + '…';
  }
  function run() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { list.hidden = true; list.innerHTML = ''; return; }
    var hits = pages.map(function (p) { return [score(p, words), p]; })
      .filter(function (h) { return h[0] > 0; })
      .sort(function (a, b) { return b[0] - a[0]; })
      .slice(0, 8);
    list.innerHTML = hits.length ? hits.map(function (h) {
      var p = h[1];
      return '<li><a href="' + esc((root || './') + encodeURI(p.u) + 'index.html') + '"><strong>' + esc(p.t) + '</strong><span>' + snippet(p, words[0]) + '</span></a></li>';
    }).join('') : '<li class="q-search-none">No page matches</li>';
    list.hidden = false;
  }
  input.addEventListener('input', run);
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { input.value = ''; run(); }
    if (e.key === 'Enter') { var a = list.querySelector('a'); if (a) location.href = a.href; }
  });
  run();
})();
