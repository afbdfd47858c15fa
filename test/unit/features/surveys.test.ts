import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import locales from '../../../locales/surveys.json' with { type: 'json' };
import type { Actor } from '../../../src/auth/policy.js';
import { surveyPolicy } from '../../../src/features/surveys/surveys.policy.js';
import { responseSchema, surveySchema } from '../../../src/features/surveys/surveys.schemas.js';
import { figuresOf, MIN_ANSWERS, showsCouncil } from '../../../src/features/surveys/surveys.service.js';
import { actorWith } from '../../helpers/world.js';

const base: Actor = actorWith({ name: 'X', email: 'x@example' });
const districtAdmin: Actor = { ...base, isDistrictAdmin: true };
const officer: Actor = { ...base, isOfficer: true, officerCouncilIds: [1, 2] };
const councilAdmin: Actor = {
  ...base,
  memberships: [{ councilId: 1, councilName: 'Glumsø', role: 'council_admin', title: '' }],
};
const networkPerson: Actor = {
  ...base,
  memberships: [{ councilId: 1, councilName: 'Glumsø', role: 'network_person', title: '' }],
};

describe('survey policy', () => {
  it('officers ask and close only for councils they cover; district admins for any', () => {
    assert.equal(surveyPolicy.canAskCouncil(officer, 2), true);
    assert.equal(surveyPolicy.canAskCouncil(officer, 3), false);
    assert.equal(surveyPolicy.canManage(officer, [1, 2]), true);
    assert.equal(surveyPolicy.canManage(officer, [1, 3]), false);
    assert.equal(surveyPolicy.canManage(districtAdmin, [7]), true);
    assert.equal(surveyPolicy.canCreateAny(councilAdmin), false);
    assert.equal(surveyPolicy.canCreateAny({ ...officer, officerCouncilIds: [] }), false);
  });

  it('council admins see their own council’s figures but never comments; network persons see neither', () => {
    assert.equal(surveyPolicy.canSeeFiguresOf(councilAdmin, 1), true);
    assert.equal(surveyPolicy.canSeeFiguresOf(councilAdmin, 2), false);
    assert.equal(surveyPolicy.canSeeCommentsOf(councilAdmin, 1), false);
    assert.equal(surveyPolicy.canSeeFiguresOf(networkPerson, 1), false);
    assert.equal(surveyPolicy.canSeeCommentsOf(officer, 1), true);
    assert.equal(surveyPolicy.canSeeCommentsOf(officer, 3), false);
    assert.equal(surveyPolicy.usesSurveyList(networkPerson), false);
    assert.equal(surveyPolicy.usesSurveyList(councilAdmin), true);
  });

  it('a person may answer for the asked councils they are a member of', () => {
    assert.deepEqual(surveyPolicy.answerableCouncilIds(networkPerson, [1, 2]), [1]);
    assert.deepEqual(surveyPolicy.answerableCouncilIds(officer, [1, 2]), []);
  });
});

describe('survey schemas', () => {
  const valid = { title: 'T', opens_on: '2026-03-01', closes_on: '2026-03-01', council_ids: ['1'] };
  const issues = (body: Record<string, unknown>, today = '2026-03-01') => {
    const r = surveySchema(today).safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => `${String(i.path[0])}:${i.message}`);
  };

  it('accepts a one-day survey opening today', () => {
    const r = surveySchema('2026-03-01').parse(valid);
    assert.deepEqual(r.council_ids, [1]);
    assert.equal(r.whole_district, false);
    assert.equal(r.intro, '');
  });

  it('refuses a closing date before the opening date, a past opening and impossible dates', () => {
    assert.deepEqual(issues({ ...valid, closes_on: '2026-02-28' }), [
      'closes_on:surveys.errors.closes_before_opens',
    ]);
    assert.deepEqual(issues(valid, '2026-03-02'), ['opens_on:surveys.errors.opens_past']);
    assert.deepEqual(issues({ ...valid, opens_on: '2026-02-30' }), ['opens_on:surveys.errors.opens_invalid']);
    assert.deepEqual(issues({ ...valid, closes_on: '' }), ['closes_on:surveys.errors.closes_required']);
  });

  it('needs councils unless the whole district is ticked', () => {
    assert.deepEqual(issues({ ...valid, council_ids: [] }), ['council_ids:surveys.errors.councils_required']);
    assert.deepEqual(issues({ ...valid, council_ids: [], whole_district: '1' }), []);
  });

  it('a rating is 1–4 and a comment at most 2000 characters', () => {
    assert.equal(responseSchema.parse({ rating: '4', comment: ' ok ' }).rating, 4);
    assert.equal(responseSchema.parse({ rating: '1' }).comment, '');
    assert.equal(responseSchema.parse({ rating: '2', council_id: '7' }).council_id, 7);
    assert.equal(responseSchema.safeParse({ rating: '0' }).success, false);
    assert.equal(responseSchema.safeParse({ rating: '5' }).success, false);
    assert.equal(responseSchema.safeParse({}).success, false);
    assert.equal(responseSchema.safeParse({ rating: '3', comment: 'x'.repeat(2001) }).success, false);
  });
});

describe('small groups: a council’s figures for every reader only from 5 answers on', () => {
  const row = (councilId: number, r: [number, number, number, number], invited = 10) => ({
    council_id: councilId,
    invited,
    answered: r[0] + r[1] + r[2] + r[3],
    r1: r[0],
    r2: r[1],
    r3: r[2],
    r4: r[3],
  });

  it('a council is shown from 5 answers on — no exception for staff, and none at 0', () => {
    assert.equal(MIN_ANSWERS, 5);
    assert.equal(showsCouncil(0), false);
    assert.equal(showsCouncil(1), false);
    assert.equal(showsCouncil(4), false);
    assert.equal(showsCouncil(5), true);
  });

  it('while open only the count and rate; the ratings and mean once it is over', () => {
    const rows = [row(1, [1, 1, 2, 1], 6)];
    assert.deepEqual(figuresOf(rows, 6, false), {
      invited: 6,
      answered: 5,
      rate: 5 / 6,
      ratings: null,
      mean: null,
    });
    assert.deepEqual(figuresOf(rows, 6, true), {
      invited: 6,
      answered: 5,
      rate: 5 / 6,
      ratings: [1, 1, 2, 1],
      mean: 2.6,
    });
  });

  it('councils together add up their answers; the rate is over the people given', () => {
    const f = figuresOf([row(1, [0, 0, 0, 5]), row(2, [5, 0, 0, 0])], 20, true);
    assert.deepEqual(f.ratings, [5, 0, 0, 5]);
    assert.equal(f.mean, 2.5);
    assert.equal(f.rate, 0.5);
    assert.equal(figuresOf([], 0, true).rate, null);
  });

  it('the pages, the mail and the report name the same minimum, in Danish and English', () => {
    for (const key of [
      'surveys.results.hidden',
      'surveys.results.none_shown',
      'surveys.results.partial',
      'surveys.rule.text',
      'surveys.rule.short',
      'surveys.anonymity.staff',
      'surveys.anonymity.respondent',
      'surveys.mail.invitation.small_groups',
      'surveys.results.comments_order',
    ] as const) {
      assert.ok(locales[key].da.includes(` ${MIN_ANSWERS} `), key);
      assert.ok(locales[key].en.includes(` ${MIN_ANSWERS} `), key);
    }
  });
});
