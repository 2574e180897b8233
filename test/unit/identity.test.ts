import { normalizeEmail, normalizeName, normalizePhone, platformIdentity } from '../../shared/domain/identity';

describe('normalizeEmail', () => {
  it.each([
    ['  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['a+tag@sub.example.co.uk', 'a+tag@sub.example.co.uk'],
  ])('normalizes %p', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'plain', 'a@b', 'a b@example.com', '@example.com', 'a@example..com', `${'x'.repeat(65)}@example.com`])('refuses %p', (raw) => {
    expect(normalizeEmail(raw).ok).toBe(false);
  });
});

describe('normalizePhone', () => {
  it.each([
    ['138 1234 5678', 'CN', '+8613812345678'],
    ['+86 138-1234-5678', 'US', '+8613812345678'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['020 7946 0958', 'GB', '+442079460958'],
  ])('%p in %s becomes %s', (raw, region, expected) => {
    expect(normalizePhone(raw, region)).toEqual({ ok: true, value: expected });
  });

  it.each([['12345', 'CN'], ['not a phone', 'CN'], ['+999 123', 'CN'], ['138123', 'CN']])('refuses %p', (raw, region) => {
    expect(normalizePhone(raw, region).ok).toBe(false);
  });
});

describe('names and platform ids', () => {
  it('folds case, width and inner white space', () => {
    expect(normalizeName('  Jane   DOE ')).toBe('jane doe');
    expect(normalizeName('ＡＢＣ')).toBe('abc');
  });
  it('keeps every digit of a platform id beyond 2^53', () => {
    expect(platformIdentity('Shopify', 'Shop.MyShopify.com', '9007199254740993123')).toBe('shopify:shop.myshopify.com:9007199254740993123');
  });
});
