// The certificate the endpoint makes at start must be strict DER whatever its random serial number is: a serial
// starting with a zero byte once made OpenSSL refuse it ("illegal padding") in about one start in 500.
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/cosmos/http/selfSignedCertificate';

describe('the self-signed certificate', () => {
  it.each([
    ['an ordinary serial', '5a'.repeat(16)],
    ['a serial with leading zero bytes', `0000${'11'.repeat(14)}`],
    ['a serial whose first non-zero byte has the high bit set', `00${'f0'.repeat(15)}`],
    ['a serial with the high bit set', 'ff'.repeat(16)],
  ])('is accepted by OpenSSL for %s', (_what, hex) => {
    const identity = selfSignedCertificate(new Date('2030-01-01T00:00:00Z'), Buffer.from(hex, 'hex'));
    const cert = new X509Certificate(identity.cert);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2039);
    expect(cert.serialNumber.replace(/^0+/, '')).toBe(hex.toUpperCase().replace(/^0+/, ''));
    expect(() => createSecureContext(identity)).not.toThrow();
  });
});
