/**
 * The Jinja2 conformance corpus: each case is rendered by octoflow's template engine and by
 * Python's Jinja2 (render.py), and the two outputs must be byte-identical. A case marked `error`
 * must fail in both. Contexts are JSON, so they avoid what JSON cannot carry faithfully to both
 * sides (integral floats such as 1.0, integer-like object keys).
 */
import { edgeCases } from "./edge-cases.js";

export interface Jinja2Case {
  readonly name: string;
  readonly template: string;
  readonly context?: Record<string, unknown>;
  /** Other templates, by name, for include / import / extends. */
  readonly files?: Record<string, string>;
  /** Both engines must raise an error (the messages may differ). */
  readonly error?: boolean;
}

const issues = [
  {
    key: "OPS-1",
    fields: { summary: "Disk full", priority: "High", points: 3 },
    labels: ["infra", "urgent"],
  },
  { key: "OPS-2", fields: { summary: "Slow <query> & lock", priority: "Low", points: 5 }, labels: [] },
  { key: "OPS-3", fields: { summary: "Cert expires", priority: "High", points: 1 }, labels: ["infra"] },
];

const users = [
  { name: "ann", age: 31, city: "Oslo", admin: true },
  { name: "bob", age: 25, city: "Bergen", admin: false },
  { name: "cid", age: 40, city: "Oslo", admin: false, email: null },
];

const coreCases: readonly Jinja2Case[] = [
  // --- text, whitespace, comments, raw
  { name: "plain text", template: "hello world" },
  { name: "single trailing newline removed", template: "line\n" },
  { name: "only one trailing newline removed", template: "line\n\n" },
  { name: "crlf trailing newline", template: "a\r\nb\r\n" },
  { name: "variable", template: "Hello {{ name }}!", context: { name: "Ann" } },
  { name: "undefined prints empty", template: "[{{ missing }}][{{ missing.attr is defined }}]", error: true },
  { name: "undefined renders empty", template: "[{{ missing }}]" },
  {
    name: "blocks keep their newlines by default",
    template: "<ul>\n{% for x in xs %}\n  <li>{{ x }}</li>\n{% endfor %}\n</ul>\n",
    context: { xs: ["a", "b"] },
  },
  {
    name: "whitespace control",
    template: "<ul>\n  {%- for x in xs %}\n  <li>{{- x -}}</li>\n  {%- endfor %}\n</ul>",
    context: { xs: ["a", "b"] },
  },
  { name: "comments", template: "a{# a comment {{ x }} #}b\n{#- trimmed -#}\nc" },
  { name: "raw block", template: "{% raw %}{{ not rendered }} {% if %}{% endraw %}!" },
  { name: "raw with whitespace control", template: "x  {%- raw -%}  {{ y }}  {%- endraw -%}  z" },
  { name: "plus modifier keeps whitespace", template: "a\n  {%+ if true %}b{% endif %}" },

  // --- printing values the Python way
  {
    name: "python spelling of values",
    template: "{{ t }} {{ f }} {{ n }} {{ l }} {{ d }} {{ 1.0 }} {{ 2.50 }} {{ 10 / 4 }} {{ 4 / 2 }}",
    context: { t: true, f: false, n: null, l: ["a", 1, true, null], d: { a: 1, b: [2, "x"] } },
  },
  {
    name: "string repr quoting",
    template: "{{ ['it\\'s', 'say \"hi\"', 'both \\' \"', 'tab\\tnl\\n', 'back\\\\slash', 'é'] }}",
  },
  {
    name: "float repr",
    template:
      "{{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e16 }} {{ 1e15 }} {{ 0.00001 }} {{ 0.0001 }} {{ -0.0 }} {{ 3.14 }}",
  },
  {
    name: "big ints",
    template: "{{ 2 ** 52 }} {{ 2 ** 0.5 }} {{ 10 ** -2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }}",
  },
  {
    name: "tuples and nested",
    template: "{{ (1, 'a') }} {{ (1,) }} {{ [(1, 2), {'k': (3,)}] }} {{ {} }} {{ [] }}",
  },
  { name: "dict literal order and non-string keys", template: "{{ {'b': 1, 'a': 2, 3: 'three', none: 0} }}" },

  // --- expressions
  {
    name: "arithmetic",
    template:
      "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 7 / 2 }} {{ 1.5 * 2 }}",
  },
  {
    name: "string ops",
    template: "{{ 'ab' * 3 }} {{ 'a' + 'b' }} {{ 'x' ~ 1 ~ none ~ true }} {{ [1] + [2] }}",
  },
  {
    name: "comparisons and logic",
    template:
      "{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ not 0 }} {{ 0 or 'x' }} {{ '' and 'y' }} {{ 1 and 2 }} {{ none or [] }}",
  },
  {
    name: "in and not in",
    template:
      "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }} {{ 'z' not in 'abc' }}",
  },
  {
    name: "inline if",
    template: "{{ 'yes' if n > 1 else 'no' }} [{{ 'only' if false }}]",
    context: { n: 2 },
  },
  {
    name: "subscript and slices",
    template:
      "{{ xs[0] }} {{ xs[-1] }} {{ xs[1:] }} {{ xs[:2] }} {{ xs[::-1] }} {{ 'hello'[1:4] }} {{ d['k'] }} {{ d.k }}",
    context: { xs: [1, 2, 3], d: { k: "v" } },
  },
  {
    name: "attribute on dict falls back to item",
    template: "{{ user.name }} {{ user['age'] }} [{{ user.nope }}]",
    context: { user: users[0] },
  },
  { name: "missing attribute of undefined raises", template: "{{ nope.deeper }}", error: true },
  { name: "string literal escapes", template: "{{ 'a\\nb' }}|{{ \"q'uote\" }}|{{ 'tab\\there' }}" },

  // --- for loops
  {
    name: "loop variables",
    template:
      "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }} {% endfor %}",
    context: { xs: ["a", "b", "c"] },
  },
  {
    name: "loop cycle and previtem",
    template:
      "{% for x in xs %}{{ loop.cycle('odd', 'even') }}:{{ x }}:{{ loop.previtem }}:{{ loop.nextitem }} {% endfor %}",
    context: { xs: [1, 2, 3] },
  },
  { name: "for else", template: "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", context: { xs: [] } },
  {
    name: "for over undefined is empty",
    template: "{% for x in nothing %}{{ x }}{% else %}none{% endfor %}",
  },
  {
    name: "for with filter condition",
    template: "{% for u in users if u.age > 30 %}{{ loop.index }}{{ u.name }} {% endfor %}",
    context: { users },
  },
  {
    name: "for unpacking dict items",
    template: "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    context: { d: { b: 1, a: 2 } },
  },
  {
    name: "for over dict iterates keys",
    template: "{% for k in d %}{{ k }} {% endfor %}",
    context: { d: { x: 1, y: 2 } },
  },
  { name: "for over string", template: "{% for c in 'abc' %}{{ c }}-{% endfor %}" },
  {
    name: "nested loops and loop.depth",
    template: "{% for row in rows %}{% for c in row %}{{ loop.depth }}{{ c }}{% endfor %}|{% endfor %}",
    context: { rows: [[1, 2], [3]] },
  },
  {
    name: "recursive loop",
    template:
      "{% for n in tree recursive %}<{{ n.name }}{% if n.children %}:{{ loop(n.children) }}{% endif %}>{% endfor %}",
    context: { tree: [{ name: "a", children: [{ name: "b" }, { name: "c", children: [{ name: "d" }] }] }] },
  },
  {
    name: "loop scoping",
    template: "{% set x = 1 %}{% for i in [1, 2] %}{% set x = i %}{{ x }}{% endfor %}{{ x }}",
  },

  // --- if / set / namespace
  {
    name: "if elif else",
    template:
      "{% for n in [0, 1, 2] %}{% if n == 0 %}zero{% elif n == 1 %}one{% else %}many{% endif %} {% endfor %}",
  },
  {
    name: "truthiness",
    template: "{% for v in vals %}{% if v %}T{% else %}F{% endif %}{% endfor %}",
    context: { vals: [0, 1, "", "a", [], [0], {}, { a: 1 }, null, false, true] },
  },
  { name: "set", template: "{% set a = 1 %}{% set b, c = [2, 3] %}{{ a }}{{ b }}{{ c }}" },
  {
    name: "block set",
    template: "{% set body %}Hello {{ name }}!{% endset %}[{{ body }}]",
    context: { name: "x" },
  },
  {
    name: "block set with filter",
    template: "{% set body | upper %}hi {{ name }}{% endset %}{{ body }}",
    context: { name: "x" },
  },
  {
    name: "namespace",
    template:
      "{% set ns = namespace(total=0, found=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns.found }}",
  },
  {
    name: "list append idiom",
    template: "{% set out = [] %}{% for i in range(3) %}{% set _ = out.append(i * 2) %}{% endfor %}{{ out }}",
  },

  // --- filters
  {
    name: "tojson sorts keys and escapes html",
    template: "{{ data | tojson }}|{{ 'x' | tojson }}|{{ none | tojson }}|{{ [1, 2.5, true] | tojson }}",
    context: { data: { z: 1, a: "<b>&'\"", m: [{ y: 1, b: 2 }], u: "é\u2028" } },
  },
  {
    name: "tojson indent",
    template: "{{ data | tojson(indent=2) }}",
    context: { data: { b: [1, 2], a: {} } },
  },
  {
    name: "map attribute",
    template: "{{ issues | map(attribute='key') | join(', ') }}",
    context: { issues },
  },
  {
    name: "map nested attribute",
    template: "{{ issues | map(attribute='fields.priority') | list }}",
    context: { issues },
  },
  {
    name: "map filter",
    template: "{{ ['a', 'b'] | map('upper') | list }} {{ [1.4, 2.6] | map('round') | list }}",
  },
  {
    name: "map attribute default",
    template: "{{ users | map(attribute='email', default='-') | list }}",
    context: { users },
  },
  {
    name: "selectattr and rejectattr",
    template:
      "{{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('admin') | map(attribute='name') | list }} {{ users | selectattr('city', 'equalto', 'Oslo') | map(attribute='name') | join }}",
    context: { users },
  },
  {
    name: "selectattr tests",
    template:
      "{{ users | selectattr('email', 'defined') | map(attribute='name') | list }} {{ users | selectattr('email', 'none') | list | length }} {{ users | selectattr('age', 'gt', 30) | map(attribute='name') | list }} {{ users | selectattr('city', 'in', ['Bergen']) | map(attribute='name') | first }}",
    context: { users },
  },
  {
    name: "select and reject",
    template:
      "{{ [0, 1, 2, 3, 4] | select('odd') | list }} {{ [0, 1, 2, 3] | reject('even') | list }} {{ [0, '', 'a', none] | select | list }} {{ [1, 5, 10] | select('ge', 5) | list }} {{ ['a', 1, none] | select('string') | list }}",
  },
  {
    name: "dictsort",
    template: "{{ d | dictsort }} {{ d | dictsort(reverse=true) }} {{ d | dictsort(by='value') }}",
    context: { d: { b: 1, a: 3, C: 2 } },
  },
  {
    name: "groupby",
    template:
      "{% for g in users | groupby('city') %}{{ g.grouper }}: {{ g.list | map(attribute='name') | join(',') }}; {% endfor %}",
    context: { users },
  },
  {
    name: "groupby unpack",
    template: "{% for city, items in users | groupby('city') %}{{ city }}={{ items | length }} {% endfor %}",
    context: { users },
  },
  {
    name: "batch and slice",
    template:
      "{{ range(7) | batch(3) | list }} {{ range(5) | batch(2, 'x') | list }} {{ range(7) | slice(3) | list }}",
  },
  {
    name: "default",
    template:
      "{{ missing | default('d') }} {{ '' | default('e') }} {{ '' | default('e', true) }} {{ none | d('n') }} {{ 0 | default(5, boolean=true) }}",
  },
  {
    name: "join",
    template:
      "{{ [1, 2, 3] | join }} {{ ['a', 'b'] | join('-') }} {{ users | join(', ', attribute='name') }}",
    context: { users },
  },
  {
    name: "length first last",
    template:
      "{{ xs | length }} {{ xs | count }} {{ 'hello' | length }} {{ {'a': 1} | length }} {{ xs | first }} {{ xs | last }} {{ missing | length }}",
    context: { xs: [3, 4, 5] },
  },
  {
    name: "sum min max",
    template:
      "{{ [1, 2, 3] | sum }} {{ issues | sum(attribute='fields.points') }} {{ [1, 2] | sum(start=10) }} {{ [3, 1, 2] | min }} {{ ['b', 'A', 'c'] | max }} {{ [0.5, 0.25] | sum }}",
    context: { issues },
  },
  {
    name: "sort",
    template:
      "{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} {{ [1, 3, 2] | sort(reverse=true) }} {{ users | sort(attribute='age') | map(attribute='name') | join }} {{ users | sort(attribute='city,name') | map(attribute='name') | join }}",
    context: { users },
  },
  {
    name: "unique",
    template:
      "{{ [1, 2, 1, 3, 2] | unique | list }} {{ ['a', 'A', 'b'] | unique | list }} {{ users | unique(attribute='city') | map(attribute='name') | list }}",
    context: { users },
  },
  {
    name: "round int float",
    template:
      "{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 2.1 | round(0, 'ceil') }} {{ 2.9 | round(method='floor') }} {{ 3 | round }} {{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 3 | float }} {{ '2.5' | float }} {{ 4.9 | int }} {{ '0x1A' | int(base=16) }}",
  },
  {
    name: "string filter",
    template: "{{ 1 | string }} {{ [1, 'a'] | string }} {{ none | string }} {{ (1 | string) ~ 2 }}",
  },
  {
    name: "case filters",
    template:
      "{{ 'hello WORLD' | lower }} {{ 'hello' | upper }} {{ 'hello big-world o\\'neil' | title }} {{ 'hELLO world' | capitalize }} [{{ '  pad  ' | trim }}] [{{ 'xxpadxx' | trim('x') }}]",
  },
  {
    name: "replace and truncate",
    template:
      "{{ 'a-b-c' | replace('-', '+') }} {{ 'a-b-c' | replace('-', '', 1) }} {{ 'The quick brown fox jumps' | truncate(15) }} {{ 'The quick brown fox' | truncate(10, true) }} {{ 'short' | truncate(10) }} {{ 'The quick brown fox' | truncate(12, false, '…', 0) }}",
  },
  {
    name: "indent",
    template:
      "[{{ 'a\\nb\\n\\nc' | indent }}] [{{ 'a\\nb' | indent(2, true) }}] [{{ 'a\\n\\nb' | indent(width='> ', blank=true) }}]",
  },
  {
    name: "list and items",
    template:
      "{{ 'abc' | list }} {{ d | list }} {{ d | items | list }} {{ d.items() | list }} {{ d.keys() | list }} {{ d.values() | list }}",
    context: { d: { x: 1, y: [2] } },
  },
  {
    name: "misc filters",
    template:
      "{{ 'a b c' | wordcount }} {{ -3 | abs }} {{ [1, [2]] | reverse | list }} {{ 'abc' | reverse }} {{ 'x' | center(5) }}| {{ 1234567 | filesizeformat }} {{ 'a&<b>' | e }} {{ '%s-%d' | format('a', 3) }} {{ 'hello world' | urlencode }} {{ {'a': 'b c', 'd': 1} | urlencode }}",
  },
  {
    name: "filter chains with arguments",
    template:
      "{{ issues | selectattr('fields.priority', 'equalto', 'High') | map(attribute='fields.points') | sum }}",
    context: { issues },
  },
  {
    name: "filter block",
    template: "{% filter upper %}hello {{ name }}{% endfilter %}",
    context: { name: "x" },
  },
  {
    name: "attr filter and map with args",
    template: "{{ user | attr('name') }} {{ ['a-b', 'c-d'] | map('replace', '-', '+') | list }}",
    context: { user: users[0] },
  },

  // --- tests
  {
    name: "is tests",
    template:
      "{{ x is defined }} {{ y is undefined }} {{ n is none }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 'a' is string }} {{ 1 is number }} {{ [] is iterable }} {{ {} is mapping }} {{ 'a' is lower }} {{ 5 is gt 3 }} {{ 2 is in [1, 2] }} {{ x is not none }} {{ true is sameas true }} {{ 1.5 is float }} {{ 1 is integer }} {{ true is boolean }} {{ x is eq 1 }}",
    context: { x: 1, n: null },
  },

  // --- globals and methods
  {
    name: "range",
    template:
      "{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(5, 0, -2) | list }} {% for i in range(2) %}{{ i }}{% endfor %}",
  },
  { name: "dict global and lipsum-free globals", template: "{{ dict(a=1, b='x') }} {{ dict(a=1).a }}" },
  {
    name: "cycler and joiner",
    template:
      "{% set c = cycler('a', 'b') %}{% set j = joiner(', ') %}{% for i in range(3) %}{{ j() }}{{ c.next() }}{% endfor %}",
  },
  {
    name: "dict methods",
    template:
      "{{ d.get('a') }} {{ d.get('zz') }} {{ d.get('zz', 'dflt') }} {{ d.keys() | list }} {{ d.values() | sum }} {{ d.items() | list }}",
    context: { d: { a: 1, b: 2 } },
  },
  {
    name: "string methods",
    template:
      "{{ s.upper() }} {{ s.lower() }} {{ s.split(',') }} {{ 'a b  c'.split() }} {{ s.startswith('He') }} {{ s.endswith('!') }} {{ s.replace('l', 'L') }} {{ ' x '.strip() }} {{ s.find('l') }} {{ ','.join(['a', 'b']) }} {{ s.count('l') }} {{ 'a=b=c'.split('=', 1) }} {{ s.title() }} {{ 'x'.center(5, '*') }} {{ '7'.zfill(3) }} {{ 'abc'.isdigit() }} {{ 'a.b.c'.rsplit('.', 1) }} {{ '{} and {}'.format(1, 'x') }}",
    context: { s: "Hello,World" },
  },
  {
    name: "list methods",
    template:
      "{{ xs.index(2) }} {{ xs.count(1) }} {% set ys = xs.copy() %}{% set _ = ys.append(9) %}{{ xs }} {{ ys }}",
    context: { xs: [1, 2, 1] },
  },

  // --- macros
  {
    name: "macro with defaults and kwargs",
    template:
      "{% macro tag(name, value='', attrs={}) -%}<{{ name }}{% for k, v in attrs | dictsort %} {{ k }}=\"{{ v }}\"{% endfor %}>{{ value }}</{{ name }}>{%- endmacro %}{{ tag('b', 'x') }} {{ tag('i', attrs={'id': 1, 'class': 'c'}) }}",
  },
  {
    name: "macro varargs and kwargs",
    template: "{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k='v') }}",
  },
  {
    name: "call block with caller",
    template:
      "{% macro panel(title) %}<div>{{ title }}: {{ caller() }}</div>{% endmacro %}{% call panel('T') %}inner {{ x }}{% endcall %}",
    context: { x: 42 },
  },
  {
    name: "call block with caller arguments",
    template:
      "{% macro each(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}{% call(item, n) each(['a', 'b']) %}[{{ n }}:{{ item }}]{% endcall %}",
  },
  {
    name: "macro sees globals not caller locals",
    template: "{% macro show() %}{{ g }}-{{ local }}{% endmacro %}{% set local = 'L' %}{{ show() }}",
    context: { g: "G" },
  },

  // --- include / import / extends
  {
    name: "include",
    template: "start {% include 'part.j2' %} end {% include 'missing.j2' ignore missing %}|",
    context: { who: "you" },
    files: { "part.j2": "hi {{ who }}\n" },
  },
  {
    name: "include sees loop variables",
    template: "{% for item in ['a', 'b'] %}{% include 'row.j2' %}{% endfor %}",
    files: { "row.j2": "<{{ item }}>" },
  },
  {
    name: "include list of candidates",
    template: "{% include ['nope.j2', 'yes.j2'] %}",
    files: { "yes.j2": "found" },
  },
  { name: "include missing raises", template: "{% include 'nope.j2' %}", error: true },
  {
    name: "import as",
    template: "{% import 'macros.j2' as m %}{{ m.hello('x') }} {{ m.title }}",
    files: { "macros.j2": "{% set title = 'T' %}{% macro hello(n) %}Hello {{ n }}{% endmacro %}" },
  },
  {
    name: "from import",
    template: "{% from 'macros.j2' import hello, bye as ciao %}{{ hello('a') }} {{ ciao() }}",
    files: {
      "macros.j2": "{% macro hello(n) %}Hello {{ n }}{% endmacro %}{% macro bye() %}Bye{% endmacro %}",
    },
  },
  {
    name: "import with context",
    template: "{% import 'm.j2' as m with context %}{{ m.show() }}",
    context: { v: "ctx" },
    files: { "m.j2": "{% macro show() %}[{{ v }}]{% endmacro %}" },
  },
  {
    name: "extends and blocks",
    template:
      "{% extends 'base.j2' %}{% block title %}Child{% endblock %}{% block body %}{{ super() }} + child {{ x }}{% endblock %}",
    context: { x: 1 },
    files: {
      "base.j2":
        "<title>{% block title %}Base{% endblock %}</title>\n<body>{% block body %}base body{% endblock %}</body>\n",
    },
  },
  {
    name: "multi-level extends",
    template: "{% extends 'mid.j2' %}{% block a %}C({{ super() }}){% endblock %}",
    files: {
      "base.j2": "[{% block a %}A{% endblock %}][{% block b %}B{% endblock %}]",
      "mid.j2":
        "{% extends 'base.j2' %}{% block a %}M({{ super() }}){% endblock %}{% block b %}MB{% endblock %}",
    },
  },
  {
    name: "self and nested blocks",
    template: "{% block outer %}<{% block inner %}in{% endblock %}>{% endblock %}|{{ self.inner() }}",
  },
  {
    name: "scoped block in loop",
    template: "{% extends 'base.j2' %}{% block item %}<{{ i }}>{% endblock %}",
    files: { "base.j2": "{% for i in [1, 2] %}{% block item scoped %}{{ i }}{% endblock %}{% endfor %}" },
  },

  // --- realistic flow templates
  {
    name: "flow uri",
    template: "https://jira/rest/api/2/search?jql={{ jql | urlencode }}&max={{ max | default(50) }}",
    context: { jql: "project = OPS and status != Done" },
  },
  { name: "flow when", template: "{{ issues | length > 0 }}", context: { issues } },
  {
    name: "report template",
    template: `# Report for {{ run.id }}
{% for prio, group in issues | groupby('fields.priority') %}
## {{ prio }} ({{ group | length }})
{% for issue in group | sort(attribute='key') -%}
- {{ issue.key }}: {{ issue.fields.summary | truncate(20) }}{% if issue.labels %} [{{ issue.labels | join(', ') }}]{% endif %}
{% endfor %}
{%- endfor %}
Total points: {{ issues | sum(attribute='fields.points') }}
`,
    context: { run: { id: "r-1" }, issues },
  },
  {
    name: "json body template",
    template: `{
  "count": {{ issues | length }},
  "keys": {{ issues | map(attribute='key') | list | tojson }},
  "high": [
    {%- for i in issues if i.fields.priority == 'High' %}
    {"key": {{ i.key | tojson }}, "points": {{ i.fields.points }}}{{ "," if not loop.last }}
    {%- endfor %}
  ]
}
`,
    context: { issues },
  },

  // --- errors both engines raise
  { name: "unknown filter", template: "{{ 1 | nosuchfilter }}", error: true },
  { name: "unclosed block", template: "{% if true %}x", error: true },
  { name: "add undefined", template: "{{ missing + 1 }}", error: true },
  { name: "call undefined", template: "{{ missing() }}", error: true },
  { name: "compare str and int", template: "{{ 'a' < 1 }}", error: true },
  { name: "sandbox dunder chain", template: "{{ ''.__class__.__mro__ }}", error: true },
  {
    name: "sandbox underscore attribute prints empty",
    template: "[{{ ''.__class__ }}][{{ x.__proto__ }}][{{ x._private }}]",
    context: { x: { _private: 1 } },
  },
];

export const cases: readonly Jinja2Case[] = [...coreCases, ...edgeCases];
