// quire's prelude: run before a page's program, the same text at build (Boa) and in the
// browser (the engine's worker), so a page's JavaScript gives the same values in both.
var __quire = (function () {
  'use strict';
  // A result as Evidence hands it to a page: an array of plain objects, dates as Dates.
  function rows(t) {
    var cols = t.columns, out = new Array(t.rows.length);
    for (var i = 0; i < t.rows.length; i++) {
      var r = t.rows[i], o = {};
      for (var c = 0; c < cols.length; c++) o[cols[c].name] = cell(r[c], cols[c].type);
      out[i] = o;
    }
    // `q.column` reads the first row's, as quire's own expressions do.
    cols.forEach(function (c) {
      if (!(c.name in out)) Object.defineProperty(out, c.name, { get: function () { return out.length ? out[0][c.name] : undefined; } });
    });
    return out;
  }
  function cell(v, ty) {
    if (v === null || v === undefined) return null;
    if (ty === 'date') return new Date(v * 86400000);
    if (ty === 'timestamp') return new Date(v / 1000);
    if (ty === 'list') return rows(v);
    return v;
  }
  // A value back to the host: JSON, with dates, non-finite numbers and key order kept.
  function encode(v) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return 'null';
    return JSON.stringify(v, function (k, x) {
      var raw = this[k];
      if (raw instanceof Date) { var t = raw.getTime(); return { $date: t === t ? t : null }; }
      if (typeof x === 'number' && !isFinite(x)) return { $num: String(x) };
      if (typeof x === 'bigint') return Number(x);
      // An object as its pairs, in order (the replacer is not called again on what it returns).
      if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
        var keys = Object.keys(x), pairs = [];
        for (var i = 0; i < keys.length; i++) {
          var val = x[keys[i]];
          if (typeof val !== 'function' && val !== undefined) pairs.push([keys[i], val]);
        }
        return { $o: pairs };
      }
      return x;
    });
  }
  // Inputs as Evidence exposes them: `inputs.name.value` (`.label`, `.start`, `.end`),
  // and the value itself where a string is expected (`${inputs.name}`).
  function input(values) {
    var one = values.length === 1 ? values[0] : values.length === 0 ? null : values.slice();
    var o = { value: one, label: one, start: values[0] === undefined ? null : values[0], end: values[1] === undefined ? null : values[1] };
    Object.defineProperty(o, 'toString', { value: function () { return one === null ? '' : String(one); } });
    return o;
  }
  // A named map: its picked row, `{column: value}` (every column `true` until one is
  // picked, as Evidence's), from the state's `column=value` tokens.
  function mapRow(values, columns) {
    var o = {}, i, j;
    for (i = 0; i < columns.length; i++) o[columns[i]] = values.length ? null : true;
    for (j = 0; j < values.length; j++) {
      var t = values[j], best = null;
      for (i = 0; i < columns.length; i++) {
        var col = columns[i];
        if ((t === col || t.indexOf(col + '=') === 0) && (best === null || col.length > best.length)) best = col;
      }
      if (best !== null) o[best] = t === best ? null : t.slice(best.length + 1);
    }
    return o;
  }
  var page = null;
  return {
    // Run the page's program on its data: `{"data": {name: table}, "inputs": {name: [values]}, "params": {name: value}}`.
    run: function (program, envJson) {
      var env = JSON.parse(envJson), data = {}, inputs = {}, k;
      for (k in env.data) data[k] = rows(env.data[k]);
      for (k in env.inputs) {
        if (k.charAt(0) === '@') continue;
        var columns = env.inputs['@map.' + k];
        inputs[k] = columns ? mapRow(env.inputs[k], columns) : input(env.inputs[k]);
      }
      page = program({ data: data, inputs: inputs, params: env.params });
      return encode(page.names());
    },
    // One expression, with the `{#each}` names around it (rows as tables of one row).
    eval: function (key, localsJson) {
      var f = page.exprs[key], locals = JSON.parse(localsJson), args = [];
      for (var i = 0; i < locals.length; i++) {
        var l = locals[i];
        var row = l && typeof l === 'object' && l.columns ? rows(l)[0] : null;
        args.push(row === null ? l : l.value === true ? row[l.columns[0].name] : row);
      }
      return encode(f.apply(null, args));
    },
    encode: encode
  };
})();

// Evidence's formatting helper: quire's formats, the same as `fmt=` props.
function fmt(value, format) { return __quire_fmt(__quire.encode(value), String(format === undefined ? '' : format)); }

// The locale functions, fixed to en-US and UTC so a build and every reader's browser agree.
(function () {
  function unsupported(what) {
    throw new Error(what + ': quire prints numbers and dates in en-US only, with minimumFractionDigits and maximumFractionDigits; use fmt(value, \'usd0\') for other formats');
  }
  function grouped(digits) {
    var out = '';
    for (var i = 0; i < digits.length; i++) {
      if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
      out += digits[i];
    }
    return out;
  }
  var localeNumber = function (locales, options) {
    if (locales !== undefined && locales !== 'en-US' && locales !== 'en') unsupported('toLocaleString(' + JSON.stringify(locales) + ')');
    var min = 0, max = 3;
    if (options !== undefined) {
      for (var k in options) if (k !== 'minimumFractionDigits' && k !== 'maximumFractionDigits') unsupported('toLocaleString option ' + k);
      if (options.minimumFractionDigits !== undefined) { min = options.minimumFractionDigits; if (max < min) max = min; }
      if (options.maximumFractionDigits !== undefined) { max = options.maximumFractionDigits; if (min > max) min = max; }
    }
    var n = Number(this);
    if (n !== n) return 'NaN';
    if (!isFinite(n)) return n > 0 ? '∞' : '-∞';
    var a = Math.abs(n), whole, frac;
    if (a >= 1e21) {
      // toFixed turns exponential here; such a number is a whole one, printed exactly.
      whole = BigInt(a).toString();
      frac = '';
      while (frac.length < min) frac += '0';
    } else {
      var s = a.toFixed(max), dot = s.indexOf('.');
      whole = dot < 0 ? s : s.slice(0, dot);
      frac = dot < 0 ? '' : s.slice(dot + 1);
      while (frac.length > min && frac[frac.length - 1] === '0') frac = frac.slice(0, -1);
    }
    // Intl keeps the sign of a negative number that rounds to zero, and of -0.
    var neg = n < 0 || Object.is(n, -0);
    return (neg ? '-' : '') + grouped(whole) + (frac ? '.' + frac : '');
  };
  Object.defineProperty(Number.prototype, 'toLocaleString', { value: localeNumber, writable: true, configurable: true });
  function two(n) { return n < 10 ? '0' + n : String(n); }
  function localeDate(d) { return (d.getUTCMonth() + 1) + '/' + d.getUTCDate() + '/' + d.getUTCFullYear(); }
  function localeTime(d) {
    var h = d.getUTCHours(), ap = h < 12 ? 'AM' : 'PM';
    h = h % 12 === 0 ? 12 : h % 12;
    return h + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) + ' ' + ap;
  }
  function dateMethod(f, name) {
    return function (locales, options) {
      if ((locales !== undefined && locales !== 'en-US' && locales !== 'en') || options !== undefined) unsupported(name + '(' + JSON.stringify(locales) + ')');
      if (isNaN(this.getTime())) return 'Invalid Date';
      return f(this);
    };
  }
  Object.defineProperty(Date.prototype, 'toLocaleDateString', { value: dateMethod(localeDate, 'toLocaleDateString'), writable: true, configurable: true });
  Object.defineProperty(Date.prototype, 'toLocaleTimeString', { value: dateMethod(localeTime, 'toLocaleTimeString'), writable: true, configurable: true });
  Object.defineProperty(Date.prototype, 'toLocaleString', { value: dateMethod(function (d) { return localeDate(d) + ', ' + localeTime(d); }, 'toLocaleString'), writable: true, configurable: true });
})();
