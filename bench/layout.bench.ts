/** The foundation's pages against the bare layout page, on the demo database. */
import { rmSync } from 'node:fs';
import { measure, PROXIED, report, seededDataDir, sessionCookie, startServer } from './lib.js';

export async function benchLayout(): Promise<void> {
  const dataDir = await seededDataDir();
  const { child, base } = await startServer(dataDir);
  try {
    const cookie = await sessionCookie(base, 'hal@glumsoe.example');
    const layout = await measure(
      'GET /tilgaengelighed (bare layout page; baseline)',
      `${base}/tilgaengelighed`,
      PROXIED,
    );
    const results = [
      await measure('GET /healthz (no view)', `${base}/healthz`),
      layout,
      await measure('GET /login (form page, new session)', `${base}/login`, PROXIED),
      await measure('GET / signed in (dashboard)', `${base}/`, { ...PROXIED, cookie }),
    ];
    report('Foundation pages', results, layout);
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
