import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { currencyExponent, parseMajorString, toMajorString } from '../src/money.ts';

describe('money', () => {
  it('converts minor units to decimal strings exactly', () => {
    assert.equal(toMajorString({ value: 150050, currency: 'INR' }), '1500.50');
    assert.equal(toMajorString({ value: 5, currency: 'INR' }), '0.05');
    assert.equal(toMajorString({ value: 5, currency: 'JPY' }), '5');
    assert.equal(toMajorString({ value: 1234, currency: 'KWD' }), '1.234');
  });

  it('parses decimal strings without floating point, refusing what would need rounding', () => {
    assert.equal(parseMajorString('0.29', 'INR'), 29); // 0.29 * 100 is 28.999… in floating point
    assert.equal(parseMajorString('1500', 'INR'), 150000);
    assert.equal(parseMajorString('12.500', 'INR'), 1250);
    assert.equal(parseMajorString('1.005', 'INR'), undefined);
    assert.equal(parseMajorString('10.5', 'JPY'), undefined);
    for (const bad of ['-1', '1e3', '', '.5', '1,000', 'NaN']) assert.equal(parseMajorString(bad, 'INR'), undefined, bad);
  });

  it('round-trips every amount in every exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), fc.constantFrom('INR', 'JPY', 'KWD', 'IDR', 'CLF'), (value, currency) => {
        assert.equal(parseMajorString(toMajorString({ value, currency }), currency), value);
      }),
    );
    assert.equal(currencyExponent('USD'), 2);
  });
});
