import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** TOTP (RFC 6238, 30-second steps, 6 digits) as authenticator apps expect it. */
export const newTotpSecret = () => generateSecret();

/**
 * The time step of a valid code, or null. Steps at or before `afterTimeStep` are refused, so a
 * code seen once (e.g. over a shoulder) cannot be replayed within its window.
 */
export async function verifyTotpStep(
  secret: string,
  code: string,
  options: { afterTimeStep?: number | null; now?: Date } = {},
): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  try {
    // One step either side tolerates a phone clock that is a little off.
    const result = await verify({
      secret,
      token,
      epochTolerance: 30,
      ...(options.now ? { epoch: Math.floor(options.now.getTime() / 1000) } : {}),
      ...(options.afterTimeStep != null ? { afterTimeStep: options.afterTimeStep } : {}),
    });
    return result.valid ? ((result as { timeStep?: number }).timeStep ?? null) : null;
  } catch {
    return null;
  }
}

export async function verifyTotp(secret: string, code: string): Promise<boolean> {
  return (await verifyTotpStep(secret, code)) !== null;
}

export function totpUri(secret: string, email: string, issuer = 'Nærnet'): string {
  return generateURI({ issuer, label: email, secret });
}

/** The QR code as an SVG rendered on the server (no third-party service sees the secret). */
export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

/** Ten one-time recovery codes like "k3f9-2m7q-x8pd"; only their hashes are stored. */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(12);
    const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

export const hashRecoveryCode = (code: string) =>
  createHash('sha256').update(code.trim().toLowerCase().replace(/\s+/g, '')).digest('hex');
