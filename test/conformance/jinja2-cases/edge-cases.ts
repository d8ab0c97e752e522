/**
 * More conformance cases: number formatting, string methods, filters' corners, scoping,
 * inheritance and sandbox probes. Same rules as cases.ts; `name` is a short description.
 */
import type { Jinja2Case } from "./cases.js";

export const edgeCases: readonly Jinja2Case[] = [
  {
    name: "edge 1: {{ x | int + 1 }} {{ '3' | int * 2 }} {{ 1.5 | int }} {{ tru",
    template:
      "{{ x | int + 1 }} {{ '3' | int * 2 }} {{ 1.5 | int }} {{ true | int }} {{ none | int }} {{ [1] | int }}",
    context: { x: "41" },
  },
  {
    name: "edge 2: {{ 'abc' | upper | lower | title }} {{ 'a' ~ 2 * 3 }} {{ 10 ",
    template:
      "{{ 'abc' | upper | lower | title }} {{ 'a' ~ 2 * 3 }} {{ 10 - 2 - 3 }} {{ 2 ** -1 }} {{ 7 // 2.0 }} {{ -7 / 2 }} {{ 3 % 2.5 }}",
  },
  {
    name: "edge 3: {{ 1e3 }} {{ 1E3 }} {{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b1",
    template:
      "{{ 1e3 }} {{ 1E3 }} {{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 12.5e-3 }} {{ 100000000000000000000.0 }}",
  },
  {
    name: "edge 4: {% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {%",
    template:
      "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {% for x in {'a': 1} %}{{ x }}{% endfor %}",
  },
  {
    name: "edge 5: {% for i in range(3) %}{{ loop.changed(i // 2) }}{% endfor %",
    template: "{% for i in range(3) %}{{ loop.changed(i // 2) }}{% endfor %}",
  },
  {
    name: "edge 6: {{ [3, 1, 2] | sort | first }} {{ [3, 1, 2] | max }} {{ 'hel",
    template:
      "{{ [3, 1, 2] | sort | first }} {{ [3, 1, 2] | max }} {{ 'hello' | first }} {{ 'hello' | last }} {{ {'a': 1} | first }}",
  },
  {
    name: "edge 7: {{ 'x' if none else 'y' }} {{ (1, 2) | list }} {{ [1, 2] == ",
    template:
      "{{ 'x' if none else 'y' }} {{ (1, 2) | list }} {{ [1, 2] == [1, 2] }} {{ (1, 2) == [1, 2] }} {{ {'a': 1} == {'a': 1} }}",
  },
  {
    name: "edge 8: {{ d | dictsort | first }} {{ d.items() | sort | last }}",
    template: "{{ d | dictsort | first }} {{ d.items() | sort | last }}",
    context: { d: { b: 2, a: 1 } },
  },
  {
    name: "edge 9: {{ users | map(attribute='name') | map('upper') | join(', ')",
    template: "{{ users | map(attribute='name') | map('upper') | join(', ') }}",
    context: { users: [{ name: "a" }, { name: "b" }] },
  },
  {
    name: "edge 10: {{ 'Hello World' | replace('o', '0') | wordcount }} {{ 'a b'",
    template: "{{ 'Hello World' | replace('o', '0') | wordcount }} {{ 'a\nb' | wordcount }}",
  },
  {
    name: "edge 11: {{ '%05.1f|%-5s|%+d|%x|%o|%e|%g|%5.2f%%' | format(3.14159, '",
    template:
      "{{ '%05.1f|%-5s|%+d|%x|%o|%e|%g|%5.2f%%' | format(3.14159, 'ab', 5, 255, 8, 12345.678, 0.0001, 99.5) }}",
  },
  {
    name: "edge 12: {{ '{:>8}|{:<4}|{:^7}|{:08.3f}|{:,}|{:+.2e}|{!r}|{0}'.format",
    template:
      "{{ '{:>8}|{:<4}|{:^7}|{:08.3f}|{:,}|{:+.2e}|{!r}|{0}'.format('x', 'y', 'z', 3.14159, 1234567, 12345.6789, 'q') }}",
    error: true,
  },
  {
    name: "edge 13: {{ 0.5 | round }} {{ 1.5 | round }} {{ -2.5 | round }} {{ 0.",
    template:
      "{{ 0.5 | round }} {{ 1.5 | round }} {{ -2.5 | round }} {{ 0.125 | round(2) }} {{ 0.375 | round(2) }} {{ 1234.5678 | round(-2) }} {{ 10 | round(1) }}",
  },
  {
    name: "edge 14: {{ 123456789 | filesizeformat }} {{ 1 | filesizeformat }} {{",
    template:
      "{{ 123456789 | filesizeformat }} {{ 1 | filesizeformat }} {{ 999 | filesizeformat }} {{ 1024 | filesizeformat(true) }} {{ 1500 | filesizeformat }} {{ 1250 | filesizeformat }}",
  },
  {
    name: "edge 15: {{ [1, 2, 3] | sum / 2 }} {{ ([1, 2] | sum) / 3 }} {{ 10 / 3",
    template:
      "{{ [1, 2, 3] | sum / 2 }} {{ ([1, 2] | sum) / 3 }} {{ 10 / 3 }} {{ 2 / 3 * 3 }} {{ 1 / 7 }} {{ 100 / 7 }}",
  },
  {
    name: "edge 16: {{ x }}|{{ x.a }}|{{ x['b'] }}|{{ x.c.d }}",
    template: "{{ x }}|{{ x.a }}|{{ x['b'] }}|{{ x.c.d }}",
    context: { x: { a: [1, 2], b: { k: "v" }, c: { d: null } } },
  },
  {
    name: "edge 17: {% set x = [1, 2, 3] %}{{ x[1:] | sum }} {{ x | length is ev",
    template:
      "{% set x = [1, 2, 3] %}{{ x[1:] | sum }} {{ x | length is even }} {{ x is sequence }} {{ 'abc' is sequence }} {{ 1 is sequence }} {{ x is iterable }}",
  },
  {
    name: "edge 18: {{ 'ß' | upper }} {{ 'İ' | lower | length }} {{ 'ǅ' | title ",
    template: "{{ 'ß' | upper }} {{ 'İ' | lower | length }} {{ 'ǅ' | title }} {{ 'straße' | capitalize }}",
  },
  {
    name: "edge 19: {% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }}",
    template:
      "{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, 3) }} {{ m(b=5, a=4) }} {{ m() }}",
  },
  {
    name: "edge 20: {% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}",
    template: "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}",
    error: true,
  },
  {
    name: "edge 21: {% macro m(a) %}{{ a }}{% endmacro %}{{ m(z=1) }}",
    template: "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(z=1) }}",
    error: true,
  },
  {
    name: "edge 22: {% set t = (1, 2, 3) %}{{ t[0] }} {{ t[1:] }} {{ t | list }}",
    template:
      "{% set t = (1, 2, 3) %}{{ t[0] }} {{ t[1:] }} {{ t | list }} {{ t | length }} {{ t.index(2) }} {{ t.count(3) }}",
  },
  {
    name: "edge 23: {{ \"it's\" }} {{ 'a' 'b' \"c\" }} {{ '\\u00e9\\x41\\101' }} {{ 'a\\",
    template: "{{ \"it's\" }} {{ 'a' 'b' \"c\" }} {{ '\\u00e9\\x41\\101' }} {{ 'a\\qb' }}",
  },
  {
    name: "edge 24: {%- if true -%} yes {%- endif -%} after",
    template: "{%- if true -%}\n  yes\n{%- endif -%}\n  after\n",
  },
  { name: "edge 25: a {% if true %} b {% endif %} c", template: "a\n{% if true %}\nb\n{% endif %}\nc\n" },
  {
    name: "edge 26: {% for x in [1,2] %} - {{ x }} {% endfor %}",
    template: "  {% for x in [1,2] %}\n  - {{ x }}\n  {% endfor %}\n",
  },
  { name: "edge 27: {{ 'a' }}", template: "{{ 'a' }}\n\n" },
  { name: "edge 28: {# comment #} {{ 1 }}", template: "{# comment #}\n{{ 1 }}" },
  {
    name: "edge 29: {{ [1, 'two', 3.5, none, true, [], {}] | tojson }} {{ 'Ünïcö",
    template:
      "{{ [1, 'two', 3.5, none, true, [], {}] | tojson }} {{ 'Ünïcödé 😀' | tojson }} {{ '\\n\\t\\u0001' | tojson }}",
  },
  {
    name: "edge 30: {{ {'b': {'d': 1, 'c': 2}, 'a': [3, {'z': 0, 'y': 1}]} | toj",
    template: "{{ {'b': {'d': 1, 'c': 2}, 'a': [3, {'z': 0, 'y': 1}]} | tojson(indent=4) }}",
  },
  {
    name: "edge 31: {{ 'a,b,,c'.split(',') }} {{ ' a b '.split() }} {{ 'a b c'.s",
    template:
      "{{ 'a,b,,c'.split(',') }} {{ '  a  b  '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'a-b'.partition('-') }}",
  },
  {
    name: "edge 32: {{ 'hello' | center(11) }}|{{ 'hi' | truncate(3) }}|{{ 'hell",
    template:
      "{{ 'hello' | center(11) }}|{{ 'hi' | truncate(3) }}|{{ 'hello world foo bar' | truncate(12, leeway=0) }}|{{ 'hello world' | truncate(5, true, '') }}",
  },
  {
    name: "edge 33: {{ 'ab' | list | reverse | join }} {{ range(10) | reverse | ",
    template:
      "{{ 'ab' | list | reverse | join }} {{ range(10) | reverse | first }} {{ range(5) | select('>', 2) | list }} {{ range(5) | reject('in', [1, 2]) | list }}",
  },
  {
    name: "edge 34: {{ [[1, 2], [3]] | map('length') | list }} {{ [[1, 2], [3]] ",
    template:
      "{{ [[1, 2], [3]] | map('length') | list }} {{ [[1, 2], [3]] | map('sum') | list }} {{ ['a', 'b'] | map('center', 5) | list }}",
  },
  {
    name: "edge 35: {% set ns = namespace(items=[]) %}{% for i in range(3) %}{% ",
    template:
      "{% set ns = namespace(items=[]) %}{% for i in range(3) %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }} {{ ns }}",
  },
  {
    name: "edge 36: {% set a = {'x': 1} %}{% set _ = a.update({'y': 2}) %}{{ a }",
    template:
      "{% set a = {'x': 1} %}{% set _ = a.update({'y': 2}) %}{{ a }} {{ a.pop('x') }} {{ a }} {{ a.setdefault('z', 3) }} {{ a | length }}",
  },
  {
    name: "edge 37: {{ [1, 2, 3] | batch(2) | map('sum') | list }} {{ [] | batch",
    template:
      "{{ [1, 2, 3] | batch(2) | map('sum') | list }} {{ [] | batch(2) | list }} {{ 'abcde' | batch(2) | list }}",
  },
  {
    name: "edge 38: {{ x.items() | list }}",
    template: "{{ x.items() | list }}",
    context: { x: { z: 1, "1": 2, a: 3 } },
  },
  {
    name: "edge 39: {% for k, v in x | dictsort %}{{ k }}{{ v }}{% endfor %}",
    template: "{% for k, v in x | dictsort %}{{ k }}{{ v }}{% endfor %}",
    context: { x: { b: 2, a: 1 } },
  },
  {
    name: "edge 40: {{ x | selectattr('a', 'ge', 2) | list }} {{ x | selectattr(",
    template:
      "{{ x | selectattr('a', 'ge', 2) | list }} {{ x | selectattr('a') | list | length }} {{ x | rejectattr('a', 'none') | list | length }}",
    context: { x: [{ a: 1 }, { a: 2 }, { a: 0 }, { a: null }] },
    error: true,
  },
  {
    name: "edge 41: {{ x | groupby('a') | list }}",
    template: "{{ x | groupby('a') | list }}",
    context: { x: [{ a: 1, b: 1 }, { a: 2 }, { a: 1, b: 2 }] },
  },
  {
    name: "edge 42: {{ x | sort(attribute='n', reverse=true) | map(attribute='id",
    template: "{{ x | sort(attribute='n', reverse=true) | map(attribute='id') | list }}",
    context: {
      x: [
        { n: 1, id: "a" },
        { n: 2, id: "b" },
        { n: 1, id: "c" },
      ],
    },
  },
  {
    name: "edge 43: {{ 'A' < 'a' }} {{ [1, 2] < [1, 3] }} {{ (1, 'a') < (1, 'b')",
    template:
      "{{ 'A' < 'a' }} {{ [1, 2] < [1, 3] }} {{ (1, 'a') < (1, 'b') }} {{ none == none }} {{ 1 is sameas 1 }} {{ 1 != 1.0 }}",
  },
  {
    name: "edge 44: {{ 7 is divisibleby 7 }} {{ 'ABC' is upper }} {{ 'a1' is low",
    template:
      "{{ 7 is divisibleby 7 }} {{ 'ABC' is upper }} {{ 'a1' is lower }} {{ '' is lower }} {{ none is mapping }} {{ x is number }}",
    context: { x: 1.5 },
  },
  {
    name: "edge 45: {{ ' pad ' | trim | length }} {{ 'x' | string | length }} {{",
    template:
      "{{ ' pad ' | trim | length }} {{ 'x' | string | length }} {{ 12 | string | length }} {{ 'abc' | length }}",
  },
  {
    name: "edge 46: {{ 5 | abs }} {{ -5.5 | abs }} {{ -3 | abs }} {{ (-3) | abs ",
    template: "{{ 5 | abs }} {{ -5.5 | abs }} {{ -3 | abs }} {{ (-3) | abs }} {{ - 3 | abs }}",
  },
  {
    name: "edge 47: {{ items | join(', ', attribute='k') }}",
    template: "{{ items | join(', ', attribute='k') }}",
    context: { items: [{ k: 1 }, { k: 2 }] },
  },
  {
    name: "edge 48: {{ 'a' in x }} {{ 'z' in x }} {{ x['a'] is defined }} {{ x.z",
    template:
      "{{ 'a' in x }} {{ 'z' in x }} {{ x['a'] is defined }} {{ x.z is defined }} {{ x.z is undefined }}",
    context: { x: { a: 1 } },
  },
  {
    name: "edge 49: {{ '%s and %s' % ('a', 'b') }} {{ '%d%%' % 50 }} {{ '%(a)s-%",
    template:
      "{{ '%s and %s' % ('a', 'b') }} {{ '%d%%' % 50 }} {{ '%(a)s-%(b)s' % {'a': 1, 'b': 2} }} {{ '%.3s' % 'abcdef' }} {{ '%r' % 'x' }}",
  },
  {
    name: "edge 50: {% set x %}{% for i in range(3) %}{{ i }}{% endfor %}{% ends",
    template: "{% set x %}{% for i in range(3) %}{{ i }}{% endfor %}{% endset %}{{ x | length }} {{ x * 2 }}",
  },
  {
    name: "edge 51: {% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]",
    template: "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]",
  },
  {
    name: "edge 52: {% filter replace('a', 'b') | upper %}banana{% endfilter %}",
    template: "{% filter replace('a', 'b') | upper %}banana{% endfilter %}",
  },
  {
    name: "edge 53: {{ x.0 }} {{ x.1.name }}",
    template: "{{ x.0 }} {{ x.1.name }}",
    context: { x: ["a", { name: "n" }] },
  },
  {
    name: "edge 54: {% for x in items %}{{ loop.index }}{% if loop.last %}.{% el",
    template: "{% for x in items %}{{ loop.index }}{% if loop.last %}.{% else %},{% endif %}{% endfor %}",
    context: { items: ["a", "b", "c"] },
  },
  {
    name: "edge 55: {{ xs | unique | list }} {{ xs | unique(case_sensitive=true)",
    template: "{{ xs | unique | list }} {{ xs | unique(case_sensitive=true) | list }}",
    context: { xs: ["A", "a", "b", "B", "a"] },
  },
  {
    name: "edge 56: {{ xs | min(attribute='v') }} {{ xs | max(attribute='v') }} ",
    template: "{{ xs | min(attribute='v') }} {{ xs | max(attribute='v') }} {{ [] | min }}|",
    context: { xs: [{ v: 3 }, { v: 1 }, { v: 3 }] },
  },
  {
    name: "edge 57: {{ [1, 2] | sum(start=0.5) }} {{ [0.1, 0.2] | sum }} {{ [] |",
    template: "{{ [1, 2] | sum(start=0.5) }} {{ [0.1, 0.2] | sum }} {{ [] | sum }}",
  },
  {
    name: "edge 58: {{ 'a\\nb\\r\\nc' | indent(2) }}|{{ '' | indent }}|{{ 'x\\n' | i",
    template: "{{ 'a\\nb\\r\\nc' | indent(2) }}|{{ '' | indent }}|{{ 'x\\n' | indent(first=true) }}",
  },
  {
    name: "edge 59: {{ '<p>Hi <b>there</b> &amp; you</p> <!-- c -->' | striptags",
    template: "{{ '<p>Hi <b>there</b> &amp; you</p>  <!-- c -->' | striptags }}",
  },
  {
    name: "edge 60: {{ {'class': 'a b', 'id': none, 'data-x': '<'} | xmlattr }}",
    template: "{{ {'class': 'a b', 'id': none, 'data-x': '<'} | xmlattr }}",
  },
  {
    name: "edge 61: {{ 'über straße' | urlencode }} {{ [('a', 1), ('b', 'x y')] ",
    template:
      "{{ 'über straße' | urlencode }} {{ [('a', 1), ('b', 'x y')] | urlencode }} {{ 'a/b?c=d&e' | urlencode }}",
  },
  { name: "edge 62: {{ x | pprint }}", template: "{{ x | pprint }}", context: { x: { b: [1, 2], a: "s" } } },
  {
    name: "edge 63: {{ 1 if 0 else 2 if 0 else 3 }} {{ not 1 == 2 }} {{ not (1 a",
    template:
      "{{ 1 if 0 else 2 if 0 else 3 }} {{ not 1 == 2 }} {{ not (1 and 0) }} {{ 1 and 2 or 3 }} {{ 0 or 0 and 1 }}",
  },
  {
    name: "edge 64: {{ -x }} {{ +x }} {{ -(-x) }} {{ not x }}",
    template: "{{ -x }} {{ +x }} {{ -(-x) }} {{ not x }}",
    context: { x: 2 },
  },
  {
    name: "edge 65: {{ (x or {}).get('a', 'd') }}",
    template: "{{ (x or {}).get('a', 'd') }}",
    context: { x: null },
  },
  {
    name: "edge 66: {{ range(0) | list }} {{ range(-3) | list }} {{ range(2, 10,",
    template:
      "{{ range(0) | list }} {{ range(-3) | list }} {{ range(2, 10, 3) | list }} {{ range(10, 2, -3) | list }}",
  },
  {
    name: "edge 67: {% for x in range(3) %}{% for y in range(2) %}{{ loop.parent",
    template: "{% for x in range(3) %}{% for y in range(2) %}{{ loop.parent }}{% endfor %}{% endfor %}|",
  },
  { name: "edge 68: {{ loop }}|", template: "{{ loop }}|" },
  {
    name: "edge 69: {{ caller }}|{{ varargs }}|{{ kwargs }}|",
    template: "{{ caller }}|{{ varargs }}|{{ kwargs }}|",
  },
  {
    name: "edge 70: {{ ''.__class__.__mro__[1].__subclasses__() }}",
    template: "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    error: true,
  },
  {
    name: "edge 71: [{{ ''.constructor }}][{{ [].constructor }}][{{ x.constructo",
    template:
      "[{{ ''.constructor }}][{{ [].constructor }}][{{ x.constructor }}][{{ x.__proto__ }}][{{ x.prototype }}][{{ x.toString }}][{{ x.hasOwnProperty }}]",
    context: { x: { a: 1 } },
  },
  {
    name: "edge 72: {{ ''.constructor.constructor('return process')() }}",
    template: "{{ ''.constructor.constructor('return process')() }}",
    error: true,
  },
  {
    name: "edge 73: {{ x['constructor'] }}|{{ x['__proto__'] }}|{{ [].map }}|{{ ",
    template: "{{ x['constructor'] }}|{{ x['__proto__'] }}|{{ [].map }}|{{ ''.length }}|{{ ''.charAt }}",
    context: { x: {} },
  },
  {
    name: "edge 74: {{ cycler.__init__.__globals__ }}",
    template: "{{ cycler.__init__.__globals__ }}",
    error: true,
  },
  {
    name: "edge 75: {{ range.__call__ }}|{{ range.constructor }}|{{ namespace.__",
    template: "{{ range.__call__ }}|{{ range.constructor }}|{{ namespace.__dict__ }}|",
  },
  { name: "edge 76: {{ loop.__class__ }}|", template: "{{ loop.__class__ }}|" },
  {
    name: "edge 77: {{ self.__dict__ }}|{{ self._TemplateReference__context }}|",
    template: "{{ self.__dict__ }}|{{ self._TemplateReference__context }}|",
  },
  { name: "edge 78: {{ x.y.z }}", template: "{{ x.y.z }}", context: { x: {} }, error: true },
  { name: "edge 79: {{ x.y }}", template: "{{ x.y }}", context: { x: null } },
  { name: "edge 80: {{ x[5] }}|{{ x[-5] }}", template: "{{ x[5] }}|{{ x[-5] }}", context: { x: [1] } },
  { name: "edge 81: {{ 1 + 'a' }}", template: "{{ 1 + 'a' }}", error: true },
  { name: "edge 82: {{ 'a' + 1 }}", template: "{{ 'a' + 1 }}", error: true },
  { name: "edge 83: {{ 1 / 0 }}", template: "{{ 1 / 0 }}", error: true },
  { name: "edge 84: {{ [1] | join | int + [] }}", template: "{{ [1] | join | int + [] }}", error: true },
  { name: "edge 85: {% for %}", template: "{% for %}", error: true },
  { name: "edge 86: {% endfor %}", template: "{% endfor %}", error: true },
  { name: "edge 87: {{ 1 + }}", template: "{{ 1 + }}", error: true },
  { name: "edge 88: {{ x | default }}|{{ x | d(1) }}", template: "{{ x | default }}|{{ x | d(1) }}" },
  { name: "edge 89: {{ range(200000) | length }}", template: "{{ range(200000) | length }}", error: true },
  { name: "edge 90: {% set x.y = 1 %}", template: "{% set x.y = 1 %}", error: true },
  { name: "edge 91: {% set a, b = [1] %}", template: "{% set a, b = [1] %}", error: true },
  {
    name: "edge 92: {% extends 'a' %}{% extends 'b' %}",
    template: "{% extends 'a' %}{% extends 'b' %}",
    files: { a: "A", b: "B" },
    error: true,
  },
  {
    name: "edge 93: {% include 'r' %}",
    template: "{% include 'r' %}",
    files: { r: "{% include 'r' %}" },
    error: true,
  },
  {
    name: "edge 94: {% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    template: "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    error: true,
  },
  {
    name: "edge 95: {{ 'abc' | int(base=2) }}|{{ '101' | int(base=2) }}|{{ ' 42 ",
    template:
      "{{ 'abc' | int(base=2) }}|{{ '101' | int(base=2) }}|{{ ' 42 ' | int }}|{{ '1_000' | int }}|{{ '4e2' | int }}|{{ 'inf' | float }}|{{ 'nan' | float }}|{{ '1e400' | float }}",
  },
  {
    name: "edge 96: {{ none | string }}{{ none }}{{ [none] }}{{ none | tojson }}",
    template:
      "{{ none | string }}{{ none }}{{ [none] }}{{ none | tojson }}{{ none | default('x') }}{{ none | length }}",
    error: true,
  },
  { name: "edge 97: {{ x }}", template: "{{ x }}", context: { x: "<b>&</b>" } },
  {
    name: "edge 98: {{ x | e }}{{ x | escape }}",
    template: "{{ x | e }}{{ x | escape }}",
    context: { x: "<'\"&>" },
  },
  { name: "edge 99: {% raw %} {{ a }} {% endraw %}", template: "{% raw %}\n{{ a }}\n{% endraw %}\n" },
  { name: "edge 100: {%- raw %} x {% endraw -%} y", template: "{%- raw %} x {% endraw -%} y" },
  {
    name: "edge 101: a {{- 1 -}} b {#- c -#} d {%- if true %} e {% endif -%} f",
    template: "a  {{- 1 -}}  b  {#- c -#}  d {%- if true %} e {% endif -%}\n\n f",
  },
  {
    name: "edge 102: {{ 'x' }}{# multi line comment #} {{ 'y' }}",
    template: "{{ 'x' }}{# multi\nline\ncomment #}\n{{ 'y' }}",
  },
  {
    name: "edge 103: {% if x is defined and x > 1 %}big{% elif x is defined %}sma",
    template: "{% if x is defined and x > 1 %}big{% elif x is defined %}small{% else %}none{% endif %}",
    context: { x: 1 },
  },
  {
    name: "edge 104: {% for x in [1, 2] %}{% if loop.first %}[{% endif %}{{ x }}{",
    template:
      "{% for x in [1, 2] %}{% if loop.first %}[{% endif %}{{ x }}{% if not loop.last %}, {% else %}]{% endif %}{% endfor %}",
  },
  {
    name: "edge 105: {% for k in d | sort %}{{ k }}{% endfor %} {% for k in d.key",
    template:
      "{% for k in d | sort %}{{ k }}{% endfor %} {% for k in d.keys() | sort(reverse=true) %}{{ k }}{% endfor %}",
    context: { d: { b: 1, a: 2, c: 3 } },
  },
  {
    name: "edge 106: {% set items = [{'n': 'x', 'tags': ['a']}, {'n': 'y', 'tags'",
    template:
      "{% set items = [{'n': 'x', 'tags': ['a']}, {'n': 'y', 'tags': []}] %}{% for i in items if i.tags %}{{ i.n }}{% else %}no{% endfor %}",
  },
  {
    name: "edge 107: {% macro list(items) -%} <ul> {%- for i in items %} <li>{{ i",
    template:
      "{% macro list(items) -%}\n<ul>\n{%- for i in items %}\n  <li>{{ i }}</li>\n{%- endfor %}\n</ul>\n{%- endmacro %}\n{{ list([1, 2]) }}\n",
  },
  {
    name: "edge 108: {% from 'f' import m with context %}{{ m() }}",
    template: "{% from 'f' import m with context %}{{ m() }}",
    context: { v: 1 },
    files: { f: "{% macro m() %}{{ v }}{% endmacro %}" },
  },
  {
    name: "edge 109: {% from 'f' import nope %}{{ nope }}|",
    template: "{% from 'f' import nope %}{{ nope }}|",
    files: { f: "x" },
  },
  {
    name: "edge 110: {% import 'f' as f %}{{ f.x }}|{{ f._y }}|{{ f.nope }}|",
    template: "{% import 'f' as f %}{{ f.x }}|{{ f._y }}|{{ f.nope }}|",
    files: { f: "{% set x = 1 %}{% set _y = 2 %}" },
  },
  {
    name: "edge 111: {% include 'f' without context %}|{% include 'f' %}",
    template: "{% include 'f' without context %}|{% include 'f' %}",
    context: { v: 1 },
    files: { f: "[{{ v }}]" },
  },
  {
    name: "edge 112: {% set v = 2 %}{% include 'f' %}",
    template: "{% set v = 2 %}{% include 'f' %}",
    files: { f: "[{{ v }}]{% set v = 3 %}" },
  },
  {
    name: "edge 113: {% extends 'b' %}{% set x = 5 %}{% block a %}{{ x }}{% endbl",
    template: "{% extends 'b' %}{% set x = 5 %}{% block a %}{{ x }}{% endblock %}",
    files: { b: "[{% block a %}{% endblock %}]{{ x }}" },
  },
  {
    name: "edge 114: before{% extends 'b' %}after{% block a %}A{% endblock %}",
    template: "before{% extends 'b' %}after{% block a %}A{% endblock %}",
    files: { b: "<{% block a %}{% endblock %}>" },
  },
  {
    name: "edge 115: {% extends x %}{% block a %}C{% endblock %}",
    template: "{% extends x %}{% block a %}C{% endblock %}",
    context: { x: "b" },
    files: { b: "<{% block a %}B{% endblock %}>" },
  },
  {
    name: "edge 116: {% extends 'b' %}{% block a %}{{ super() }}{{ super() }}{% e",
    template: "{% extends 'b' %}{% block a %}{{ super() }}{{ super() }}{% endblock %}",
    files: { b: "{% block a %}S{% endblock %}" },
  },
  {
    name: "edge 117: {% block a %}{% block b %}{% endblock %}{% endblock %}",
    template: "{% block a %}{% block b %}{% endblock %}{% endblock %}",
  },
  {
    name: "edge 118: {% extends 'b' %}{% block inner %}X{% endblock %}",
    template: "{% extends 'b' %}{% block inner %}X{% endblock %}",
    files: { b: "{% block outer %}<{% block inner %}i{% endblock %}>{% endblock %}" },
  },
  {
    name: "edge 119: {% macro m() %}{{ caller('a') }}{% endmacro %}{% call(x) m()",
    template: "{% macro m() %}{{ caller('a') }}{% endmacro %}{% call(x) m() %}<{{ x }}>{% endcall %}",
  },
  {
    name: "edge 120: {% macro m() %}x{% endmacro %}{% call m() %}y{% endcall %}",
    template: "{% macro m() %}x{% endmacro %}{% call m() %}y{% endcall %}",
    error: true,
  },
  {
    name: "edge 121: {% macro m() %}{{ caller() if caller is defined else 'no' }}",
    template: "{% macro m() %}{{ caller() if caller is defined else 'no' }}{% endmacro %}{{ m() }}",
  },
  {
    name: "edge 122: {{ x | map('int') | sum }}",
    template: "{{ x | map('int') | sum }}",
    context: { x: ["1", "2"] },
  },
  {
    name: "edge 123: {{ x | map('default', 0) | list }}",
    template: "{{ x | map('default', 0) | list }}",
    context: { x: [1, null] },
  },
  { name: "edge 124: {{ (x | first).a }}", template: "{{ (x | first).a }}", context: { x: [{ a: 1 }] } },
  {
    name: "edge 125: {{ x|length }}{{ x | length }}{{x|length}}",
    template: "{{ x|length }}{{ x | length }}{{x|length}}",
    context: { x: [1, 2] },
  },
  {
    name: "edge 126: {{ 'hello'[::2] }} {{ 'hello'[-3:] }} {{ [1,2,3,4,5][1:-1:2]",
    template: "{{ 'hello'[::2] }} {{ 'hello'[-3:] }} {{ [1,2,3,4,5][1:-1:2] }} {{ 'abc'[5:] }}|",
  },
  {
    name: "edge 127: {{ 'a' * 0 }}|{{ [1] * 3 }}|{{ 3 * 'ab' }}|{{ -1 * 'x' }}|",
    template: "{{ 'a' * 0 }}|{{ [1] * 3 }}|{{ 3 * 'ab' }}|{{ -1 * 'x' }}|",
  },
  {
    name: "edge 128: {{ 1 < 2 > 1 }} {{ 1 == 1 == 1 }} {{ 3 > 2 > 1 }} {{ 1 in [1",
    template: "{{ 1 < 2 > 1 }} {{ 1 == 1 == 1 }} {{ 3 > 2 > 1 }} {{ 1 in [1] in [[1]] }}",
  },
  {
    name: "edge 129: {{ 10 | float / 4 }} {{ 10 | float // 4 }} {{ 2.0 ** 2 }} {{",
    template:
      "{{ 10 | float / 4 }} {{ 10 | float // 4 }} {{ 2.0 ** 2 }} {{ 2 ** 2.0 }} {{ 9 ** 0.5 }} {{ 4 % 2.0 }}",
  },
  {
    name: "edge 130: {{ 1 == true }} {{ 0 == false }} {{ true + true }} {{ [true,",
    template:
      "{{ 1 == true }} {{ 0 == false }} {{ true + true }} {{ [true, 1] | unique | list }} {{ true * 3 }}",
  },
  {
    name: "edge 131: {{ 'Hello' ~ none ~ undefined_var ~ 3.0 }}",
    template: "{{ 'Hello' ~ none ~ undefined_var ~ 3.0 }}",
  },
  {
    name: "edge 132: {{ d['a'] }}{{ d.get('b', {}).get('c', 'n') }}",
    template: "{{ d['a'] }}{{ d.get('b', {}).get('c', 'n') }}",
    context: { d: { a: 1 } },
  },
  {
    name: "edge 133: {% set l = [3, 1, 2] %}{% set _ = l.sort() %}{{ l }}{% set _",
    template:
      "{% set l = [3, 1, 2] %}{% set _ = l.sort() %}{{ l }}{% set _ = l.reverse() %}{{ l }}{{ l.pop() }}{{ l }}{% set _ = l.insert(0, 9) %}{{ l }}",
  },
  { name: "edge 134: {{ x }}", template: "{{ x }}", context: { x: [1.5, -0.25, 1e-10, 123456789.123] } },
  {
    name: "edge 135: {{ 'x' is in 'xyz' }} {{ 3 is gt 2 }} {{ 2 is lt 3 }} {{ 'a'",
    template:
      "{{ 'x' is in 'xyz' }} {{ 3 is gt 2 }} {{ 2 is lt 3 }} {{ 'a' is ne 'b' }} {{ 1 is ge 1 }} {{ 1 is le 0 }}",
  },
  {
    name: "edge 136: {{ [1, [2, [3]]] | tojson }} {{ (1, 2) | tojson }} {{ {'a': ",
    template: "{{ [1, [2, [3]]] | tojson }} {{ (1, 2) | tojson }} {{ {'a': (1,)} | tojson }}",
  },
  { name: "edge 137: {{ 'a' if 'a' in x }}|", template: "{{ 'a' if 'a' in x }}|", context: { x: "abc" } },
  {
    name: "edge 138: {{ x | selectattr('k', 'equalto', none) | list | length }}",
    template: "{{ x | selectattr('k', 'equalto', none) | list | length }}",
    context: { x: [{ k: null }, { k: 1 }] },
  },
  {
    name: "edge 139: {{ [1, 2, 3] | select('divisibleby', 2) | list }} {{ ['a', '",
    template: "{{ [1, 2, 3] | select('divisibleby', 2) | list }} {{ ['a', 'B'] | select('upper') | list }}",
  },
  {
    name: "edge 140: {{ ' multiple spaces ' | wordcount }} {{ 'x_y z-w' | wordcou",
    template: "{{ '  multiple   spaces  ' | wordcount }} {{ 'x_y z-w' | wordcount }}",
  },
  {
    name: "edge 141: {{ 'a' | truncate(255) }} {{ 'hello world' | truncate(9, end",
    template: "{{ 'a' | truncate(255) }} {{ 'hello world' | truncate(9, end='!') }}",
  },
  {
    name: "edge 142: {{ '😀é' | length }} {{ '😀ab'[0] }} {{ '😀ab'[1:] }} {{ '😀ab' ",
    template:
      "{{ '😀é' | length }} {{ '😀ab'[0] }} {{ '😀ab'[1:] }} {{ '😀ab' | reverse }} {{ '😀' | list }} {{ ['😀', 'é'] }}",
  },
  {
    name: "edge 143: {% if x -%} a {%- else -%} b {%- endif %}",
    template: "{% if x -%}\n  a\n{%- else -%}\n  b\n{%- endif %}",
    context: { x: false },
  },
  {
    name: "edge 144: {% for i in range(3) -%} {{ i }} {%- endfor %}",
    template: "{% for i in range(3) -%}\n{{ i }}\n{%- endfor %}",
  },
  {
    name: "edge 145: {% for i in range(2) %} {%- set y = i * 2 %} {{ y }} {% endf",
    template: "{% for i in range(2) %}\n  {%- set y = i * 2 %}\n  {{ y }}\n{% endfor %}",
  },
  { name: "edge 146: {{ x | tojson }}", template: "{{ x | tojson }}", context: { x: "line sep</script>" } },
  {
    name: "edge 147: {{ '\\u2028\\x00\\x7f\\xa0\\u200b' }}|{{ ['\\x00\\x7f\\xa0\\u200b\\u20",
    template: "{{ '\\u2028\\x00\\x7f\\xa0\\u200b' }}|{{ ['\\x00\\x7f\\xa0\\u200b\\u2028'] }}",
  },
  {
    name: "edge 148: {{ ' a ' ~ '\\t' }}|{{ 'a\\tb' | replace('\\t', ' ') }}|{{ 'x' ",
    template: "{{ ' a ' ~ '\\t' }}|{{ 'a\\tb' | replace('\\t', ' ') }}|{{ 'x' | indent(2, true, true) }}",
  },
  {
    name: "edge 149: {{ 'a b'.split(none) }} {{ 'a\\x1cb'.split() }} {{ 'abc'.stri",
    template:
      "{{ 'a b'.split(none) }} {{ 'a\\x1cb'.split() }} {{ 'abc'.strip('ac') }} {{ 'aXbXc'.rsplit('X', 1) }} {{ '  a b  '.rsplit(None, 1) }}",
  },
  {
    name: "edge 150: {{ '{:.2%}'.format(0.1234) }} {{ '{:e}'.format(0.0001234) }}",
    template:
      "{{ '{:.2%}'.format(0.1234) }} {{ '{:e}'.format(0.0001234) }} {{ '{:g}'.format(1234567.0) }} {{ '{:g}'.format(0.00001) }} {{ '{:10.3g}|'.format(3.14159) }} {{ '{:x}'.format(255) }} {{ '{:#b}'.format(5) }} {{ '{:_}'.format(1234567) }}",
  },
  {
    name: "edge 151: {{ '%5d|%-5d|%05d|%.2e|%g|%G|%10.4f|%c|%%' % (42, 42, 42, 12",
    template: "{{ '%5d|%-5d|%05d|%.2e|%g|%G|%10.4f|%c|%%' % (42, 42, 42, 1234.5, 1e-5, 1e20, 3.14159, 65) }}",
  },
  {
    name: "edge 152: {{ d.items() | map('first') | list }} {{ d | list | map('upp",
    template: "{{ d.items() | map('first') | list }} {{ d | list | map('upper') | list }}",
    context: { d: { a: 1, b: 2 } },
  },
  {
    name: "edge 153: {{ x | rejectattr('done') | map(attribute='name') | join(', ",
    template: "{{ x | rejectattr('done') | map(attribute='name') | join(', ') or 'none' }}",
    context: { x: [{ name: "a", done: true }] },
  },
  {
    name: "edge 154: {% set total = namespace(v=0) %}{% for i in x %}{% set total",
    template:
      "{% set total = namespace(v=0) %}{% for i in x %}{% set total.v = total.v + i.n | default(0) %}{% endfor %}{{ total.v }}",
    context: { x: [{ n: 1 }, {}, { n: 5 }] },
  },
  {
    name: "edge 155: {{ x | default([]) | length }} {{ (x or []) | length }} {{ x",
    template: "{{ x | default([]) | length }} {{ (x or []) | length }} {{ x is none }}",
    context: { x: null },
    error: true,
  },
  {
    name: "edge 156: {{ 'yes' if x else 'no' }} {{ x | string | lower }}",
    template: "{{ 'yes' if x else 'no' }} {{ x | string | lower }}",
    context: { x: true },
  },
  {
    name: "edge 157: {{ now }}|{{ x | int(default=-1) }}|{{ '12abc' | int }}|{{ '",
    template:
      "{{ now }}|{{ x | int(default=-1) }}|{{ '12abc' | int }}|{{ '' | float }}|{{ ' 3.5 ' | float }}",
    context: { x: "abc" },
  },
  {
    name: "edge 158: {% for row in rows | batch(2, '-') %}{{ row | join('|') }};{",
    template: "{% for row in rows | batch(2, '-') %}{{ row | join('|') }};{% endfor %}",
    context: { rows: [1, 2, 3] },
  },
  { name: "edge 159: {{ 'a' ~ 1 + 2 }}", template: "{{ 'a' ~ 1 + 2 }}", error: true },
  {
    name: "edge 160: {{ ('a' ~ 1) + '2' }} {{ 'a' ~ (1 + 2) }}",
    template: "{{ ('a' ~ 1) + '2' }} {{ 'a' ~ (1 + 2) }}",
  },
  {
    name: "edge 161: {% set a = 'x' %}{% macro m() %}{{ a }}{% endmacro %}{% set ",
    template: "{% set a = 'x' %}{% macro m() %}{{ a }}{% endmacro %}{% set a = 'y' %}{{ m() }}",
  },
  {
    name: "edge 162: {% for i in [1] %}{% macro m() %}{{ i }}{% endmacro %}{{ m()",
    template: "{% for i in [1] %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}",
  },
  {
    name: "edge 163: {% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }",
    template: "{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}",
  },
  {
    name: "edge 164: {% with %}{% set x = 1 %}{% endwith %}[{{ x }}]",
    template: "{% with %}{% set x = 1 %}{% endwith %}[{{ x }}]",
  },
  {
    name: "edge 165: {{ [3, 2, 1] | sort(reverse=true) | list }} {{ ['b', 'a'] | ",
    template:
      "{{ [3, 2, 1] | sort(reverse=true) | list }} {{ ['b', 'a'] | sort | join }} {{ [1, 'a'] | sort }}",
    error: true,
  },
  {
    name: "edge 166: {{ {'a': 1}.a }} {{ {'a': 1}['a'] }} {{ [1, 2, 3][1] }} {{ (",
    template: "{{ {'a': 1}.a }} {{ {'a': 1}['a'] }} {{ [1, 2, 3][1] }} {{ (1, 2)[0] }} {{ 'abc'[1] }}",
  },
  {
    name: "edge 167: {{ x }}",
    template: "{{ x }}",
    context: { x: { nested: { list: [1, { k: "v" }], t: true, n: null } } },
  },
];
