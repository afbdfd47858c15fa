import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import locales from '../../../locales/surveys.json' with { type: 'json' };
import type { Actor } from '../../../src/auth/policy.js';
import { surveyPolicy } from '../../../src/features/surveys/surveys.policy.js';
import { responseSchema, surveySchema } from '../../../src/features/surveys/surveys.schemas.js';
import { MIN_ANSWERS, showsRatings } from '../../../src/features/surveys/surveys.service.js';
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

  it('staff of a council see its exact figures; its council admins do not', () => {
    assert.equal(surveyPolicy.seesExactFiguresOf(officer, 1), true);
    assert.equal(surveyPolicy.seesExactFiguresOf(officer, 3), false);
    assert.equal(surveyPolicy.seesExactFiguresOf(districtAdmin, 9), true);
    assert.equal(surveyPolicy.seesExactFiguresOf(councilAdmin, 1), false);
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

describe('small groups: ratings and mean for readers who are not staff', () => {
  it('are shown from 5 answers on', () => {
    assert.equal(MIN_ANSWERS, 5);
    assert.equal(showsRatings(false, [4]), false);
    assert.equal(showsRatings(false, [5]), true);
    // …but not while answers can still come in (before/after comparisons would reveal one).
    assert.equal(showsRatings(false, [5], false), false);
    assert.equal(showsRatings(true, [1], false), true);
    assert.equal(showsRatings(false, [0]), false);
    assert.equal(showsRatings(false, []), false);
  });

  it('staff always see them, however few answered', () => {
    assert.equal(showsRatings(true, [1]), true);
    assert.equal(showsRatings(true, [0]), true);
  });

  it('a total is withheld when one of its councils has 1–4 answers (else subtracting would reveal it)', () => {
    assert.equal(showsRatings(false, [5, 2]), false);
    assert.equal(showsRatings(false, [3, 3]), false);
    assert.equal(showsRatings(false, [5, 0, 7]), true);
  });

  it('the pages and the report name the same minimum, in Danish and English', () => {
    for (const key of ['surveys.results.too_few', 'surveys.results.too_few_short'] as const) {
      assert.ok(locales[key].da.includes(`mindst ${MIN_ANSWERS}`), key);
      assert.ok(locales[key].en.includes(`at least ${MIN_ANSWERS}`), key);
    }
  });
});
