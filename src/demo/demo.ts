import { hashPassword } from '../auth/passwords.js';
import type { Composition } from '../composition.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';

/** Password of every demo account (docs/domain.md#demo). */
export const DEMO_PASSWORD = 'naestved-2015';

export type DemoLogin = { email: string; role: string };

/** Outside production, on an empty database, unless DEMO=0 (docs/domain.md#demo). */
export function shouldLoadDemo(db: Db, config: Config): boolean {
  if (config.isProduction || config.demo === false) return false;
  const users = db.prepare('SELECT count(*) FROM users').pluck().get() as number;
  return users === 0;
}

const DEPARTMENTS = [
  ['SSP', 'ssp@politi.example'],
  ['Beredskab', 'beredskab@politi.example'],
  ['Lokalpolitiet', 'lokalpolitiet@politi.example'],
  ['Færdsel', 'faerdsel@politi.example'],
  ['Forebyggelse', 'forebyggelse@politi.example'],
] as const;

/** slug, Danish, English, suggested department */
export const CATEGORIES = [
  ['tryghed', 'Tryghed og uro', 'Safety and disturbance', 'Lokalpolitiet'],
  ['indbrud', 'Indbrud og tyveri', 'Burglary and theft', 'Lokalpolitiet'],
  ['haervaerk', 'Hærværk og graffiti', 'Vandalism and graffiti', 'Forebyggelse'],
  ['unge', 'Unge og grupperinger', 'Young people and groups', 'SSP'],
  ['trafik', 'Trafik og fart', 'Traffic and speeding', 'Færdsel'],
  ['narko', 'Narkotika', 'Drugs', 'Lokalpolitiet'],
  ['brand', 'Brand og sikkerhed', 'Fire and safety', 'Beredskab'],
  ['svindel', 'Svindel', 'Fraud', 'Forebyggelse'],
  ['andet', 'Andet', 'Other', null],
] as const;

const MUNICIPALITIES = ['Næstved', 'Faxe', 'Guldborgsund', 'Lolland', 'Slagelse', 'Sorø', 'Vordingborg'];

const COUNCILS = [
  {
    name: 'Glumsø Lokalråd',
    slug: 'glumsoe',
    area: 'Glumsø by og opland: Glumsø, Bavelse, Sandby og omegn.',
  },
  {
    name: 'Fladså Lokalråd',
    slug: 'fladsaa',
    area: 'Fladså: Mogenstrup, Hammer, Vester Egesborg og Lundby.',
  },
  {
    name: 'Lokalrådet for Næstved Vestegn',
    slug: 'vestegn',
    area: 'Næstved Vestegn: Karrebæksminde, Appenæs, Karrebæk og Enø.',
  },
];

export type DemoOptions = {
  /**
   * The stored hash of DEMO_PASSWORD for every demo account. Tests pass one made once at a low
   * argon2id cost, so each of their logins does not pay for 64 MiB; the server and the demo leave
   * it out and get the production cost.
   */
  passwordHash?: string;
};

/**
 * The pilot (docs/domain.md#the-situation, #demo) with fictional people. One transaction: a failed load leaves the
 * database empty, so the next start tries again.
 */
export async function loadDemo(
  deps: Pick<Composition, 'db' | 'now'>,
  options: DemoOptions = {},
): Promise<DemoLogin[]> {
  const { db } = deps;
  const now = deps.now().toISOString();
  const hash = options.passwordHash ?? (await hashPassword(DEMO_PASSWORD));

  db.transaction(() => {
    const insertMunicipality = db.prepare('INSERT INTO municipalities (name, created_at) VALUES (?, ?)');
    const municipalityIds = new Map<string, number>();
    for (const name of MUNICIPALITIES) {
      municipalityIds.set(name, Number(insertMunicipality.run(name, now).lastInsertRowid));
    }
    const insertDepartment = db.prepare('INSERT INTO departments (name, email, created_at) VALUES (?, ?, ?)');
    const departmentIds = new Map<string, number>();
    for (const [name, email] of DEPARTMENTS) {
      departmentIds.set(name, Number(insertDepartment.run(name, email, now).lastInsertRowid));
    }
    const insertCategory = db.prepare(
      `INSERT INTO categories (slug, label_da, label_en, suggested_department_id, sort_order, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    CATEGORIES.forEach(([slug, da, en, dept], i) => {
      insertCategory.run(slug, da, en, dept ? departmentIds.get(dept) : null, i, now);
    });

    const insertCouncil = db.prepare(
      `INSERT INTO councils (municipality_id, name, slug, area_description, agreement_signed_on, is_pilot, created_at)
       VALUES (?, ?, ?, ?, '2015-02-24', 1, ?)`,
    );
    const councilIds = new Map<string, number>();
    for (const c of COUNCILS) {
      councilIds.set(
        c.slug,
        Number(
          insertCouncil.run(municipalityIds.get('Næstved'), c.name, c.slug, c.area, now).lastInsertRowid,
        ),
      );
    }

    const insertUser = db.prepare(
      `INSERT INTO users (email, name, phone, password_hash, status, is_district_admin, is_officer, privacy_accepted_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
    );
    const user = (email: string, name: string, phone: string, admin = 0, officer = 0) =>
      Number(insertUser.run(email, name, phone, hash, admin, officer, now, now, now).lastInsertRowid);
    const insertMembership = db.prepare(
      `INSERT INTO memberships (user_id, council_id, role, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const member = (userId: number, slug: string, role: string, title: string) =>
      insertMembership.run(userId, councilIds.get(slug), role, title, now, now);

    user('admin@politi.example', 'Anne Kjær (politikredsadministrator)', '55 12 34 00', 1, 0);
    const officer = user('betjent@politi.example', 'Mads Holm', '55 12 34 10', 0, 1);
    const assign = db.prepare(
      'INSERT INTO officer_assignments (officer_id, council_id, created_at) VALUES (?, ?, ?)',
    );
    for (const id of councilIds.values()) assign.run(officer, id, now);

    member(
      user('formand@glumsoe.example', 'Birgit Sørensen', '20 11 22 33'),
      'glumsoe',
      'council_admin',
      'formand',
    );
    member(
      user('hal@glumsoe.example', 'Jens Æbeltoft', '20 44 55 66'),
      'glumsoe',
      'network_person',
      'halinspektør',
    );
    member(
      user('brugs@fladsaa.example', 'Lise Østergaard', '20 77 88 99'),
      'fladsaa',
      'network_person',
      'brugsuddeler',
    );
    member(
      user('vest@vestegn.example', 'Peter Ågård', '21 00 11 22'),
      'vestegn',
      'network_person',
      'næstformand',
    );
  })();

  return [
    { email: 'admin@politi.example', role: 'politikreds-administrator' },
    { email: 'betjent@politi.example', role: 'netværksbetjent (alle tre pilotlokalråd)' },
    { email: 'formand@glumsoe.example', role: 'lokalrådsadministrator, Glumsø Lokalråd' },
    { email: 'hal@glumsoe.example', role: 'netværksperson, Glumsø Lokalråd (halinspektør)' },
    { email: 'brugs@fladsaa.example', role: 'netværksperson, Fladså Lokalråd (brugsuddeler)' },
    { email: 'vest@vestegn.example', role: 'netværksperson, Lokalrådet for Næstved Vestegn' },
  ];
}
