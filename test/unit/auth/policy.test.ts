import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensure, policy } from '../../../src/auth/policy.js';
import { NotFoundError } from '../../../src/errors.js';
import { actorWith } from '../../helpers/world.js';

// Council 1 = Glumsø, 2 = Fladså, 3 = Næstved Vestegn; 9 is a council nobody below belongs to.
const GLUMSOE = 1;
const FLADSAA = 2;
const VESTEGN = 3;
const FOREIGN = 9;

const actor = actorWith;

const districtAdmin = actor({ isDistrictAdmin: true });
const officer = actor({ isOfficer: true, officerCouncilIds: [GLUMSOE, FLADSAA, VESTEGN] });
const councilAdmin = actor({
  memberships: [
    { councilId: GLUMSOE, councilName: 'Glumsø Lokalråd', role: 'council_admin', title: 'formand' },
  ],
});
const networkPerson = actor({
  memberships: [
    { councilId: GLUMSOE, councilName: 'Glumsø Lokalråd', role: 'network_person', title: 'halinspektør' },
  ],
});
const nobody = actor({});

describe('canManageMembers', () => {
  it('lets a district admin manage the members of any council', () => {
    for (const c of [GLUMSOE, FLADSAA, FOREIGN])
      assert.equal(policy.canManageMembers(districtAdmin, c), true);
  });

  it("lets a council admin manage their own council's members only", () => {
    assert.equal(policy.canManageMembers(councilAdmin, GLUMSOE), true);
    assert.equal(policy.canManageMembers(councilAdmin, FLADSAA), false);
    assert.equal(policy.canManageMembers(councilAdmin, FOREIGN), false);
  });

  it('does not let an officer manage members, not even of a council they cover', () => {
    assert.equal(policy.canManageMembers(officer, GLUMSOE), false);
    assert.equal(policy.canManageMembers(officer, FOREIGN), false);
  });

  it('does not let a network person or a person without roles manage members', () => {
    assert.equal(policy.canManageMembers(networkPerson, GLUMSOE), false);
    assert.equal(policy.canManageMembers(nobody, GLUMSOE), false);
  });
});

describe('canViewMembers', () => {
  it('lets a district admin see the member list of any council', () => {
    assert.equal(policy.canViewMembers(districtAdmin, FOREIGN), true);
  });

  it("lets a council admin see their own council's list but not a foreign one", () => {
    assert.equal(policy.canViewMembers(councilAdmin, GLUMSOE), true);
    assert.equal(policy.canViewMembers(councilAdmin, FOREIGN), false);
  });

  it('lets an officer see the lists of the councils they cover only', () => {
    assert.equal(policy.canViewMembers(officer, VESTEGN), true);
    assert.equal(policy.canViewMembers(officer, FOREIGN), false);
  });

  it('does not count officer assignments for someone who is no longer an officer', () => {
    const former = actor({ isOfficer: false, officerCouncilIds: [GLUMSOE] });
    assert.equal(policy.canViewMembers(former, GLUMSOE), false);
  });

  it("does not let a network person see their own council's member list", () => {
    assert.equal(policy.canViewMembers(networkPerson, GLUMSOE), false);
    assert.equal(policy.canViewMembers(nobody, GLUMSOE), false);
  });
});

describe('memberListCouncilIds', () => {
  it('gives a council admin their own councils', () => {
    assert.deepEqual(policy.memberListCouncilIds(councilAdmin), [GLUMSOE]);
  });

  it('gives an officer the councils they cover', () => {
    assert.deepEqual(policy.memberListCouncilIds(officer), [GLUMSOE, FLADSAA, VESTEGN]);
  });

  it('gives a network person and a person without roles none', () => {
    assert.deepEqual(policy.memberListCouncilIds(networkPerson), []);
    assert.deepEqual(policy.memberListCouncilIds(nobody), []);
  });

  it('gives a district admin no per-council list (they reach every council through administration)', () => {
    assert.deepEqual(policy.memberListCouncilIds(districtAdmin), []);
  });

  it('lists each council once, sorted, for an officer who is also a council admin', () => {
    const both = actor({
      isOfficer: true,
      officerCouncilIds: [VESTEGN, GLUMSOE],
      memberships: [
        { councilId: GLUMSOE, councilName: 'Glumsø Lokalråd', role: 'council_admin', title: '' },
        { councilId: FLADSAA, councilName: 'Fladså Lokalråd', role: 'council_admin', title: '' },
      ],
    });
    assert.deepEqual(policy.memberListCouncilIds(both), [GLUMSOE, FLADSAA, VESTEGN]);
  });

  it('every council it lists is one whose members the actor may view', () => {
    for (const a of [districtAdmin, officer, councilAdmin, networkPerson, nobody]) {
      for (const c of policy.memberListCouncilIds(a)) assert.equal(policy.canViewMembers(a, c), true);
    }
  });
});

describe('requiresTwoFactor', () => {
  it('requires two-factor for district admins and officers', () => {
    assert.equal(policy.requiresTwoFactor(districtAdmin), true);
    assert.equal(policy.requiresTwoFactor(officer), true);
  });

  it('does not require two-factor for council admins and network persons', () => {
    assert.equal(policy.requiresTwoFactor(councilAdmin), false);
    assert.equal(policy.requiresTwoFactor(networkPerson), false);
    assert.equal(policy.requiresTwoFactor(nobody), false);
  });
});

describe('membership helpers and ensure', () => {
  it('isMemberOf and isCouncilAdminOf answer per council', () => {
    assert.equal(policy.isMemberOf(networkPerson, GLUMSOE), true);
    assert.equal(policy.isMemberOf(networkPerson, FOREIGN), false);
    assert.equal(policy.isCouncilAdminOf(networkPerson, GLUMSOE), false);
    assert.equal(policy.isCouncilAdminOf(councilAdmin, GLUMSOE), true);
    assert.equal(policy.coversCouncil(officer, FOREIGN), false);
  });

  it('ensure throws the 404 NotFoundError when not allowed, so existence does not leak', () => {
    assert.throws(
      () => ensure(false),
      (err: unknown) => err instanceof NotFoundError && err.status === 404,
    );
    assert.doesNotThrow(() => ensure(true));
  });
});
