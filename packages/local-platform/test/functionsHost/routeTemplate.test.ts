import { describe, expect, it } from 'vitest';
import { compareRoutes, compileRoute, InvalidRouteTemplateError } from '../../src/functionsHost/routeTemplate';

const match = (template: string, path: string) => compileRoute(template).match(path);

describe('literal segments', () => {
  it('match whole segments case-insensitively', () => {
    expect(match('orders/new', 'orders/new')).toEqual({});
    expect(match('orders/new', 'ORDERS/New')).toEqual({});
    expect(match('orders/new', 'orders/old')).toBeNull();
    expect(match('orders/new', 'orders')).toBeNull();
    expect(match('orders/new', 'orders/new/x')).toBeNull();
    expect(match('orders', 'orders2')).toBeNull();
  });

  it('tolerate a trailing slash on the request path', () => {
    expect(match('orders/new', 'orders/new/')).toEqual({});
  });

  it('accept a leading slash, "~/" and a trailing slash in the template', () => {
    expect(match('/orders', 'orders')).toEqual({});
    expect(match('~/orders', 'orders')).toEqual({});
    expect(match('orders/', 'orders')).toEqual({});
  });

  it('match the empty template only against the empty path', () => {
    expect(match('', '')).toEqual({});
    expect(match('', '/')).toEqual({});
    expect(match('', 'orders')).toBeNull();
  });

  it('unescape {{ and }} and compare against the decoded path', () => {
    expect(match('a{{b}}', 'a{b}')).toEqual({});
    expect(match('a{{b}}', 'a%7Bb%7D')).toEqual({});
    expect(match('café', 'caf%C3%A9')).toEqual({});
  });
});

describe('parameters', () => {
  it('capture one segment each and list their names', () => {
    const route = compileRoute('customers/{customerId}/orders/{orderId}');
    expect(route.template).toBe('customers/{customerId}/orders/{orderId}');
    expect(route.parameterNames).toEqual(['customerId', 'orderId']);
    expect(route.match('customers/c1/orders/42')).toEqual({ customerId: 'c1', orderId: '42' });
    expect(route.match('customers/c1/orders')).toBeNull();
    expect(route.match('customers/c1/orders/42/extra')).toBeNull();
  });

  it('do not match an empty segment', () => {
    expect(match('orders/{id}/items', 'orders//items')).toBeNull();
    expect(match('orders/{id?}', 'orders//')).toBeNull();
    expect(match('files/.{ext?}', 'files//')).toBeNull();
  });

  it('URL-decode values per segment', () => {
    expect(match('orders/{id}', 'orders/a%20b')).toEqual({ id: 'a b' });
    expect(match('orders/{id}', 'orders/a%2Fb')).toEqual({ id: 'a/b' });
    expect(match('orders/{id}', 'orders/a+b')).toEqual({ id: 'a+b' });
    expect(match('orders/{id}', 'orders/%E2%82%AC')).toEqual({ id: '€' });
  });

  it('keep malformed percent-encoding as it is', () => {
    expect(match('orders/{id}', 'orders/100%')).toEqual({ id: '100%' });
    expect(match('orders/{id}', 'orders/%zz')).toEqual({ id: '%zz' });
  });

  it('return own properties even for a parameter named __proto__', () => {
    const params = match('x/{__proto__}', 'x/v');
    expect(Object.prototype.hasOwnProperty.call(params, '__proto__')).toBe(true);
    expect(params?.['__proto__']).toBe('v');
  });
});

describe('optional parameters', () => {
  it('omit an absent optional parameter', () => {
    const route = compileRoute('orders/{id?}');
    expect(route.match('orders/5')).toEqual({ id: '5' });
    expect(route.match('orders')).toEqual({});
    expect(route.match('orders/')).toEqual({});
    expect(route.match('orders/5/6')).toBeNull();
  });

  it('allow several trailing optional segments', () => {
    const route = compileRoute('report/{year?}/{month?}');
    expect(route.match('report')).toEqual({});
    expect(route.match('report/2024')).toEqual({ year: '2024' });
    expect(route.match('report/2024/05')).toEqual({ year: '2024', month: '05' });
  });

  it('let a template of only an optional parameter match the empty path', () => {
    expect(match('{id?}', '')).toEqual({});
    expect(match('{id?}', '7')).toEqual({ id: '7' });
  });

  it('skip constraints when absent and apply them when present', () => {
    const route = compileRoute('orders/{id:int?}');
    expect(route.match('orders')).toEqual({});
    expect(route.match('orders/12')).toEqual({ id: '12' });
    expect(route.match('orders/x')).toBeNull();
  });
});

describe('default values', () => {
  it('fill in absent trailing segments', () => {
    const route = compileRoute('{controller=Home}/{action=Index}/{id?}');
    expect(route.match('')).toEqual({ controller: 'Home', action: 'Index' });
    expect(route.match('Products')).toEqual({ controller: 'Products', action: 'Index' });
    expect(route.match('Products/List/5')).toEqual({ controller: 'Products', action: 'List', id: '5' });
  });

  it('combine with constraints, and may contain ":" and "="', () => {
    expect(match('list/{page:int=1}', 'list')).toEqual({ page: '1' });
    expect(match('list/{page:int=1}', 'list/3')).toEqual({ page: '3' });
    expect(match('list/{page:int=1}', 'list/x')).toBeNull();
    expect(match('q/{filter=a:b=c}', 'q')).toEqual({ filter: 'a:b=c' });
  });

  it('are not used when a required segment follows', () => {
    expect(match('{area=main}/{page}', '')).toBeNull();
    expect(match('{area=main}/{page}', 'admin/users')).toEqual({ area: 'admin', page: 'users' });
  });
});

describe('catch-all parameters', () => {
  it.each(['files/{*path}', 'files/{**path}'])('%s captures the remainder with its slashes', (template) => {
    const route = compileRoute(template);
    expect(route.parameterNames).toEqual(['path']);
    expect(route.match('files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(route.match('files/a/b/')).toEqual({ path: 'a/b' });
    expect(route.match('FILES/x')).toEqual({ path: 'x' });
    expect(route.match('filesx/a')).toBeNull();
  });

  it('may be empty, and is then omitted', () => {
    expect(match('files/{*path}', 'files')).toEqual({});
    expect(match('files/{*path}', 'files/')).toEqual({});
    expect(match('{*all}', '')).toEqual({});
  });

  it('decodes each segment and keeps empty inner segments', () => {
    expect(match('files/{*path}', 'files/my%20docs/a%2Fb')).toEqual({ path: 'my docs/a/b' });
    expect(match('files/{*path}', 'files/a//b')).toEqual({ path: 'a//b' });
  });

  it('uses its default value when empty', () => {
    expect(match('site/{*path=index.html}', 'site')).toEqual({ path: 'index.html' });
    expect(match('site/{*path=index.html}', 'site/css/app.css')).toEqual({ path: 'css/app.css' });
  });

  it('applies constraints to the whole remainder', () => {
    const route = compileRoute('files/{*path:regex(^.+\\.txt$)}');
    expect(route.match('files/a/b.txt')).toEqual({ path: 'a/b.txt' });
    expect(route.match('files/a/b.pdf')).toBeNull();
  });
});

describe('complex segments', () => {
  it('split literal text around parameters', () => {
    const route = compileRoute('files/{name}.{ext}');
    expect(route.parameterNames).toEqual(['name', 'ext']);
    expect(route.match('files/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
    expect(route.match('files/report')).toBeNull();
    expect(route.match('files/.pdf')).toBeNull();
    expect(route.match('files/report.')).toBeNull();
  });

  it('split at the last occurrence of a literal, as ASP.NET does', () => {
    expect(match('files/{name}.{ext}', 'files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    expect(match('{a}-{b}-{c}', '1-2-3-4')).toEqual({ a: '1-2', b: '3', c: '4' });
  });

  it('require leading and trailing literal text to reach the ends of the segment', () => {
    expect(match('img-{id}.png', 'ximg-3.png')).toBeNull();
    expect(match('orders/{id}.json', 'orders/3.jsonp')).toBeNull();
    expect(match('v{major}', 'v2')).toEqual({ major: '2' });
    expect(match('v{major}', 'xv2')).toBeNull();
  });

  it('do not backtrack, so a long non-matching segment is rejected quickly', () => {
    const route = compileRoute('{a}-{b}-{c}.x');
    const started = performance.now();
    expect(route.match('-'.repeat(20_000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('match literal text case-insensitively and decode before splitting', () => {
    expect(match('img-{id}.PNG', 'IMG-3.png')).toEqual({ id: '3' });
    expect(match('files/{name}.{ext}', 'files/my%20report.pdf')).toEqual({ name: 'my report', ext: 'pdf' });
  });

  it('support an optional parameter after a period', () => {
    const route = compileRoute('files/{name}.{ext?}');
    expect(route.match('files/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
    expect(route.match('files/a.b.c')).toEqual({ name: 'a.b', ext: 'c' });
    expect(route.match('files/report')).toEqual({ name: 'report' });
    // As in ASP.NET, a trailing period is neither an empty extension nor part of the name.
    expect(route.match('files/report.')).toBeNull();
  });

  it('apply constraints to each captured value', () => {
    const route = compileRoute('orders/{id:int}.json');
    expect(route.match('orders/42.json')).toEqual({ id: '42' });
    expect(route.match('orders/x.json')).toBeNull();
  });
});

describe('constraints', () => {
  const cases: [constraint: string, passing: string[], failing: string[]][] = [
    ['int', ['42', '-7', '+3', '0', '2147483647', '-2147483648'], ['2147483648', '4.2', 'abc', '0x1', '1e3']],
    ['long', ['9223372036854775807', '-9223372036854775808', '12'], ['9223372036854775808', '1.0', 'x']],
    ['bool', ['true', 'FALSE', 'True'], ['yes', '1', 'truex']],
    ['alpha', ['abc', 'ABCxyz'], ['abc1', 'a-b', 'é']],
    [
      'guid',
      [
        '6f9619ff-8b86-d011-b42d-00c04fc964ff',
        '6F9619FF8B86D011B42D00C04FC964FF',
        '{6f9619ff-8b86-d011-b42d-00c04fc964ff}',
        '(6f9619ff-8b86-d011-b42d-00c04fc964ff)',
        '{0x6f9619ff,0x8b86,0xd011,{0xb4,0x2d,0x00,0xc0,0x4f,0xc9,0x64,0xff}}',
      ],
      ['not-a-guid', '6f9619ff-8b86-d011-b42d-00c04fc964f', '6f9619ff-8b86-d011-b42d-00c04fc964fg'],
    ],
    [
      'datetime',
      [
        '2016-12-31',
        '2016-12-31T07:32:00Z',
        '2016-12-31 7:32pm',
        '2016-12-31T07:32:05.123+02:00',
        '12/31/2016',
        '2024-02-29',
        '19:30',
      ],
      ['2023-02-29', '2016-13-01', '2016-12-32', 'tomorrow', '25:00', '2016-12-31T07:32:00Q'],
    ],
    [
      'decimal',
      ['1.5', '-3', '1,000.25', '.5', '5.', '5-'],
      ['1e5', 'abc', 'NaN', '-5-', '1.2.3', '99999999999999999999999999999'],
    ],
    ['double', ['1.5', '-1e10', '1,000', 'NaN', 'Infinity', '-infinity', '1E+308'], ['abc', '1.2.3', 'e5', '']],
    ['float', ['1.5', '3.4e38', '-0.25'], ['abc', '1..2']],
    ['required', ['x'], []],
    ['minlength(3)', ['abc', 'abcd'], ['ab']],
    ['maxlength(3)', ['abc', 'a'], ['abcd']],
    ['length(3)', ['abc'], ['ab', 'abcd']],
    ['length(2,4)', ['ab', 'abcd'], ['a', 'abcde']],
    ['length( 2 , 4 )', ['abc'], ['a']],
    ['min(1)', ['1', '99'], ['0', '-1', 'x']],
    ['max(10)', ['10', '-5'], ['11', 'x']],
    ['range(1,10)', ['1', '10', '5'], ['0', '11', 'x']],
    ['range(-5,-1)', ['-5', '-1'], ['0']],
    ['regex(^\\d{{3}}$)', ['123'], ['1234', '12a']],
    ['regex(abc)', ['abc', 'ABC'], ['xabc', 'abcx']],
    ['regex(^(a|b),c$)', ['a,c', 'b,c'], ['c,c']],
    ['regex(a:b)', ['a:b'], ['ab']],
    ['int:min(1)', ['1', '500'], ['0', 'x']],
    ['minlength(2):maxlength(3):alpha', ['ab', 'abc'], ['a', 'abcd', 'a1']],
    ['INT', ['5'], ['x']],
  ];

  it.each(cases)('%s', (constraint, passing, failing) => {
    const route = compileRoute(`v/{value:${constraint}}`);
    for (const value of passing) expect(route.match(`v/${encodeURIComponent(value)}`), value).toEqual({ value });
    for (const value of failing) expect(route.match(`v/${encodeURIComponent(value)}`), value).toBeNull();
  });

  it('ends a regex argument list at a ")" followed by ":", "=" or the closing brace, like ASP.NET', () => {
    expect(match('v/{x:regex(^(a|b)$):maxlength(1)}', 'v/a')).toEqual({ x: 'a' });
    expect(match('v/{x:regex(^(a|b)$):maxlength(1)}', 'v/ab')).toBeNull();
    expect(match('v/{x:regex(^(a|b)$)=b}', 'v')).toEqual({ x: 'b' });
    expect(match('v/{x:regex(^(a|b)$)?}', 'v')).toEqual({});
  });

  it('checks constraints against decoded values', () => {
    expect(match('v/{d:datetime}', 'v/2016-12-31%207:32pm')).toEqual({ d: '2016-12-31 7:32pm' });
  });
});

describe('precedence', () => {
  it('gives each segment a digit, first segment weighing most', () => {
    expect(compileRoute('').precedence).toBe(0);
    expect(compileRoute('orders').precedence).toBe(1);
    expect(compileRoute('orders/new').precedence).toBe(1.1);
    expect(compileRoute('orders/{id:int}').precedence).toBe(1.2);
    expect(compileRoute('orders/{id}.json').precedence).toBe(1.2);
    expect(compileRoute('orders/{id}').precedence).toBe(1.3);
    expect(compileRoute('orders/{*rest:minlength(1)}').precedence).toBe(1.4);
    expect(compileRoute('orders/{*rest}').precedence).toBe(1.5);
    expect(compileRoute('{tenant}/orders/{id?}').precedence).toBe(3.13);
  });

  it('sorts routes most specific first', () => {
    const templates = [
      '{*all}',
      'orders/{*rest}',
      'orders/{id}',
      '{tenant}/orders',
      'orders/{id:int}',
      'orders/new',
      'orders/{id}/items',
      'orders',
    ];
    const sorted = templates
      .map((t) => compileRoute(t))
      .sort(compareRoutes)
      .map((r) => r.template);
    expect(sorted).toEqual([
      'orders',
      'orders/new',
      'orders/{id:int}',
      'orders/{id}',
      'orders/{id}/items',
      'orders/{*rest}',
      '{tenant}/orders',
      '{*all}',
    ]);
  });

  it('breaks ties by template text, case-insensitively first', () => {
    const [a, b, c] = ['b/{x}', 'A/{y}', 'a/{y}'].map((t) => compileRoute(t));
    expect([a, b, c].sort(compareRoutes).map((r) => r.template)).toEqual(['A/{y}', 'a/{y}', 'b/{x}']);
    expect(compareRoutes(compileRoute('x/{id}'), compileRoute('x/{id}'))).toBe(0);
  });
});

describe('invalid templates', () => {
  const errors: [template: string, fragments: string[]][] = [
    ['orders/{id', ["'{' at offset 7 has no matching '}'", "Close the parameter with '}'", "'{{'"]],
    ['orders/id}', ["'}' at offset 9 has no matching '{'", "'}}'"]],
    ['orders/{a{b}}', ["unescaped '{'", 'cannot be nested', "'{{'"]],
    ['v/{x:regex(^\\d{3}$)}', ["unescaped '{'", "'{code:regex(^\\d{{3}}$)}'"]],
    ['orders/{}', ["'{}' has an empty name", "'{id}'"]],
    ['orders/{:int}', ["'{:int}' has an empty name"]],
    ['orders/{?}', ["'{?}' has an empty name"]],
    ['files/{*}', ["'{*}' has an empty name"]],
    ['orders/{a/b}', ["name 'a/b'", "contains '/'", "cannot contain '/', '{', '}', '?' or '*'"]],
    ['orders/{id?:int}', ["name 'id?'", "contains '?'", "'{id?}'"]],
    ['orders/{a*}', ["contains '*'", "'{*rest}'"]],
    ['{id}/items/{id}', ["'id' appears more than once", 'Rename one of them']],
    ['{id}/items/{ID}', ["'ID' appears more than once (as 'id'; names are case-insensitive)"]],
    ['{name}.{name}', ["'name' appears more than once"]],
    ['orders/{id?}/items', ["optional parameter 'id' is followed by the required segment 'items'", 'remove the']],
    ['{a?}/{b}', ["optional parameter 'a' is followed by the required segment '{b}'"]],
    ['files/{*path}/meta', ["catch-all parameter 'path' is followed by 'meta'", 'must be the last segment']],
    ['{*a}/{b?}', ["catch-all parameter 'a' is followed by '{b?}'"]],
    ['files/x{*path}', ["catch-all parameter 'path' shares the segment 'x{*path}'", "'files/{*path}'"]],
    ['files/{*path?}', ["catch-all parameter 'path' is marked optional", "Remove the '?'"]],
    ['orders/{id=5?}', ["'id' is both optional and has a default value", "'{id?}'", "'{id=5}'"]],
    ['orders/{id=}', ["'id' has an empty default value", "after '='"]],
    ['{a}{b}', ["two consecutive parameters 'a' and 'b'", "'{a}-{b}'"]],
    ['{name?}.{ext}', ["optional parameter 'name' in segment '{name?}.{ext}' is followed by '.'"]],
    ['{name}-{ext?}', ["'ext' in segment '{name}-{ext?}' is preceded by '-'", 'Only a period']],
    ['file.{ext?}', ["preceded by 'file.'"]],
    ['orders/{id}?', ["literal text '{id}?' contains '?'", "'{id?}'"]],
    ['orders//items', ["empty segment ('//')", "Remove the extra '/'"]],
    [
      'orders/{id:integer}',
      [
        "unknown constraint 'integer'",
        'Supported constraints: int, long, bool, alpha, guid, datetime, decimal, double, float, required, ' +
          'minlength(n), maxlength(n), length(n) or length(min,max), min(n), max(n), range(min,max), regex(expr).',
      ],
    ],
    ['orders/{id:}', ["'id' has an empty constraint after ':'", "'{id:int}'"]],
    [
      'orders/{id:int(5)}',
      ["constraint 'int(5)' on parameter 'id' is invalid: it takes no arguments", 'Write it as int.'],
    ],
    ['orders/{id:int()}', ['it takes no arguments']],
    ['orders/{id:min}', ["constraint 'min' on parameter 'id' is invalid: it needs arguments", 'Write it as min(n).']],
    ['orders/{id:min(x)}', ["'x' is not a whole number"]],
    ['orders/{id:min(99999999999999999999)}', ['outside the 64-bit integer range']],
    ['orders/{id:range(1)}', ['it takes 2 argument(s), not 1', 'Write it as range(min,max).']],
    ['orders/{id:range(10,1)}', ['its minimum 10 is greater than its maximum 1']],
    ['orders/{id:minlength(-1)}', ["'-1' is not a non-negative whole number"]],
    ['orders/{id:length(1,2,3)}', ['it takes 1 or 2 argument(s), not 3', 'length(n) or length(min,max)']],
    ['orders/{id:length(5,2)}', ['its minimum 5 is greater than its maximum 2']],
    ['orders/{id:maxlength(1.5)}', ["'1.5' is not a non-negative whole number"]],
    ['orders/{id:regex()}', ['its expression is empty']],
    ['orders/{id:regex([a-)}', ["'[a-' is not a valid regular expression", "'{{' and '}}'"]],
    ['orders/{id:regex(a)b}', ["argument list of constraint 'regex(a)b' on parameter 'id' is not closed", "')'"]],
    ['v/{x:regex(^(a):b$)}', ["'^(a' is not a valid regular expression"]],
    ['orders/{id:int=abc}', ["default value 'abc' of parameter 'id' does not satisfy its constraint 'int'"]],
  ];

  it.each(errors)('%s', (template, fragments) => {
    let error: unknown;
    try {
      compileRoute(template);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRouteTemplateError);
    const { name, message } = error as InvalidRouteTemplateError;
    expect(name).toBe('InvalidRouteTemplateError');
    expect((error as InvalidRouteTemplateError).template).toBe(template);
    expect(message).toContain(`Invalid route template '${template}': `);
    for (const fragment of fragments) expect(message).toContain(fragment);
  });
});
