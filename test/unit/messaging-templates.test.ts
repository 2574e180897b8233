import { parseTemplate, renderNodes, escapeHtml, noEscape, TemplateSyntaxError } from '../../shared/domain/messaging/template-language';
import { templateIssues } from '../../shared/domain/messaging/template-vars';
import { contentIssues, htmlToText, renderContent, renderedProblem } from '../../shared/domain/messaging/templates';
import { nameParts, productsFrom } from '../../shared/usecases/messaging/personalize';

/** The template language: parsing, rendering, validation on save (unknown variables, fallbacks, empty parts). */
const render = (src: string, scope: Record<string, unknown>, escape = noEscape) => renderNodes(parseTemplate(src), scope as never, escape);

describe('rendering', () => {
  const scope = {
    customer: { firstName: 'Fang', tier: undefined, points: 1280, name: 'Wang Fang' },
    coupon: { code: 'SPRING10' },
    products: [
      { name: 'Oolong', url: 'https://t.example/o', price: '¥149' },
      { name: 'Pu-erh', price: '¥299' },
      { name: 'Jasmine' },
    ],
    vars: { orderNumber: '#1001' },
  };

  it.each([
    ['Hi {{ customer.firstName }}', 'Hi Fang'],
    ['Hi {{customer.firstName|upcase}}', 'Hi FANG'],
    ['{{ customer.tier | default: "member" }}', 'member'],
    ['{{ customer.points }} points', '1280 points'],
    ['{{ coupon.code | downcase }}', 'spring10'],
    ['{{ products | join: " / " }}', 'Oolong / Pu-erh / Jasmine'],
    ['{{ products }}', 'Oolong, Pu-erh, Jasmine'],
    ['{% for p in products limit: 2 %}[{{ p.name }} {{ p.price | default: "-" }}]{% endfor %}', '[Oolong ¥149][Pu-erh ¥299]'],
    ['{% if customer.tier %}VIP{% else %}friend{% endif %}', 'friend'],
    ['{% unless customer.tier %}join us{% endunless %}', 'join us'],
    ['{% if coupon.code %}Code {{ coupon.code }}{% endif %}', 'Code SPRING10'],
    ['{{ customer.name | truncate: 4 }}', 'Wan…'],
    ['{{ vars.orderNumber | url_encode }}', '%231001'],
    ['{{ vars.missing | default: "n/a" | upcase }}', 'N/A'],
    ['{{ customer.firstName | capitalize }}', 'Fang'],
  ])('%s → %s', (src, out) => {
    expect(render(src, scope)).toBe(out);
  });

  it('escapes values, not the template, in html', () => {
    expect(render('<b>{{ customer.firstName }}</b>', { customer: { firstName: '<img onerror=x>"&\'' } }, escapeHtml)).toBe('<b>&lt;img onerror=x&gt;&quot;&amp;&#39;</b>');
  });

  it('caps loops at 50 items and treats a missing list as empty', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ name: `p${i}` }));
    expect(render('{% for p in products %}x{% endfor %}', { products: many })).toBe('x'.repeat(50));
    expect(render('[{% for p in products %}x{% endfor %}]', {})).toBe('[]');
  });

  it('never reads outside the context (no prototype walk)', () => {
    expect(render('{{ customer.constructor }}{{ customer.__proto__ }}', { customer: {} })).toBe('');
  });
});

describe('syntax errors name line and column', () => {
  it.each([
    ['Hi {{ customer.firstName', /"\{\{" is not closed/],
    ['{% if customer.tier %}open', /\{% if %\} is not closed/],
    ['{% endif %}', /without an open \{% if %\}/],
    ['{{ customer.firstName | shout }}', /unknown filter "shout"/],
    ['{{ customer.firstName | default }}', /filter default takes one argument/],
    ['{{ customer.firstName | truncate: "x" }}', /whole number/],
    ['{% for p products %}{% endfor %}', /\{% for p in products %\}/],
    ['{% include "x" %}', /unknown tag/],
    ['{{ 1 + 2 }}', /not a variable name/],
    ['{{ customer.firstName | default: "unclosed }}', /not closed/],
  ])('%s', (src, message) => {
    expect(() => parseTemplate(src)).toThrow(message);
  });

  it('reports where', () => {
    try {
      parseTemplate('line one\n  {{ customer.firstName | nope }}');
      throw new Error('should fail');
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateSyntaxError);
      expect((e as TemplateSyntaxError).pos).toEqual({ line: 2, column: 3 });
    }
  });
});

describe('validation on save', () => {
  it('accepts known variables with fallbacks, guards, loops and free vars', () => {
    expect(templateIssues('content.html', '{{ customer.firstName | default: "there" }} {% if customer.tier %}{{ customer.tier }}{% endif %} {% for p in products %}{{ p.name }}{{ p.url | default: "#" }}{% endfor %} {{ unsubscribe.url }} {{ vars.order | default: "" }} {{ brand.name }}')).toEqual([]);
  });

  it('names unknown variables and where they are', () => {
    expect(templateIssues('content.subject', 'Hi {{ customr.firstName }} {{ customer.nickname | default: "x" }}')).toEqual([
      { field: 'content.subject', message: 'line 1, column 4: unknown variable "customr.firstName"' },
      { field: 'content.subject', message: expect.stringMatching(/^line 1, column 28: unknown variable "customer.nickname" \(known: customer.id, customer.name, /) },
    ]);
  });

  it('requires a fallback for variables that can be missing', () => {
    const issues = templateIssues('content.body', 'Hi {{ customer.firstName }}, code {{ coupon.code }}');
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^line 1, column 4: "customer.firstName" can be missing; give it a fallback/),
      expect.stringMatching(/^line 1, column 35: "coupon.code" can be missing/),
    ]);
  });

  it('an else branch of an if does not guard the variable; unless guards its else', () => {
    expect(templateIssues('f', '{% if customer.tier %}{% else %}{{ customer.tier }}{% endif %}')).toHaveLength(1);
    expect(templateIssues('f', '{% unless customer.tier %}none{% else %}{{ customer.tier }}{% endunless %}')).toEqual([]);
  });

  it('loop items: known fields only, optional ones need a fallback; the loop variable does not leak', () => {
    expect(templateIssues('f', '{% for p in products %}{{ p.colour }}{{ p.price }}{% endfor %}{{ p.name }}').map((i) => i.message)).toEqual([
      expect.stringContaining('unknown variable "p.colour" (fields of p: name, url, price, imageUrl, sku)'),
      expect.stringContaining('"p.price" can be missing'),
      expect.stringContaining('unknown variable "p.name"'),
    ]);
    expect(templateIssues('f', '{% for c in customer.name %}{% endfor %}')[0]!.message).toContain('"customer.name" is not a list');
  });

  it('a group is not a value', () => {
    expect(templateIssues('f', '{{ customer }}')[0]!.message).toContain('"customer" is a group of variables; name one, like customer.id');
  });
});

describe('content per channel', () => {
  it('refuses empty parts and names each field', () => {
    expect(contentIssues('email', { subject: '  ', html: '' })).toEqual([
      { field: 'content.subject', message: 'must not be empty' },
      { field: 'content.html', message: 'must not be empty' },
    ]);
    expect(contentIssues('sms', { body: '' })).toEqual([{ field: 'content.body', message: 'must not be empty' }]);
    expect(contentIssues('webhook', { payload: {} })).toEqual([{ field: 'content.payload', message: 'must be a non-empty JSON object' }]);
  });

  it('validates every string of a webhook payload, named by its path', () => {
    expect(contentIssues('webhook', { payload: { template_id: 'T1', data: { first: { value: '{{ customer.frstName }}' } }, list: ['{{ coupon.code }}'] } }).map((i) => i.field)).toEqual(['content.payload.data.first.value', 'content.payload.list.0']);
  });

  it('renders each channel: html escaped, subject single-line, text derived, payload strings rendered', () => {
    const scope = { customer: { firstName: 'A&B', id: 'c1' }, coupon: {}, products: [], brand: { name: 'Tea' } };
    const email = renderContent('email', { subject: 'Hi {{ customer.firstName }}\nnews', html: '<p>Hi {{ customer.firstName }}</p><p><a href="https://x.example/?a=1&amp;b=2">Shop</a></p>' }, scope as never);
    expect(email).toEqual({ subject: 'Hi A&B news', html: '<p>Hi A&amp;B</p><p><a href="https://x.example/?a=1&amp;b=2">Shop</a></p>', text: 'Hi A&B\nShop (https://x.example/?a=1&b=2)' });
    expect(renderContent('webhook', { payload: { to: '{{ customer.id }}', n: 3, ok: true } }, scope as never)).toEqual({ payload: { to: 'c1', n: 3, ok: true } });
    expect(renderedProblem('sms', renderContent('sms', { body: '{{ coupon.code | default: "" }}' }, scope as never))).toBe('the text is empty after rendering');
  });

  it('html to text keeps structure and links', () => {
    expect(htmlToText('<html><head><style>p{}</style></head><body><h1>Sale</h1><p>Line<br>two</p><ul><li>a</li><li>b</li></ul></body></html>')).toBe('Sale\nLine\ntwo\na\nb');
  });
});

describe('personalization', () => {
  it.each([
    ['Li Lei', { firstName: 'Li', lastName: 'Lei' }],
    ['Madonna', { firstName: 'Madonna' }],
    ['王芳', { firstName: '王芳', lastName: '王' }],
    ['  ', {}],
  ])('name parts of %j', (name, parts) => {
    expect(nameParts(name)).toEqual(parts);
  });

  it('recommended products from JSON or a comma list', () => {
    expect(productsFrom('[{"name":"Oolong","price":149,"url":"https://x"},"Jasmine",{"nope":1}]')).toEqual([{ name: 'Oolong', price: '149', url: 'https://x' }, { name: 'Jasmine' }]);
    expect(productsFrom('Oolong, Jasmine ,')).toEqual([{ name: 'Oolong' }, { name: 'Jasmine' }]);
    expect(productsFrom('[not json')).toEqual([]);
    expect(productsFrom(undefined)).toEqual([]);
  });
});
