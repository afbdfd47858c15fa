import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postsPolicy } from '../../../../src/features/posts/posts.policy.js';
import { actorWith } from '../../../helpers/world.js';

const GLUMSOE = 1;
const FLADSAA = 2;

const actor = actorWith;

const member = (councilId: number) =>
  actor({ memberships: [{ councilId, councilName: 'Lokalråd', role: 'network_person', title: '' }] });
const districtAdmin = actor({ isDistrictAdmin: true });
const glumsoeOfficer = actor({ isOfficer: true, officerCouncilIds: [GLUMSOE] });
const fladsaaOfficer = actor({ isOfficer: true, officerCouncilIds: [FLADSAA] });
const nobody = actor({});

const councilPost = { councilId: GLUMSOE };
const districtPost = { councilId: null };

describe('postsPolicy', () => {
  it('a council post is read by its members, its officers and district admins only', () => {
    assert.equal(postsPolicy.canRead(member(GLUMSOE), councilPost), true);
    assert.equal(postsPolicy.canRead(glumsoeOfficer, councilPost), true);
    assert.equal(postsPolicy.canRead(districtAdmin, councilPost), true);
    assert.equal(postsPolicy.canRead(member(FLADSAA), councilPost), false);
    assert.equal(postsPolicy.canRead(fladsaaOfficer, councilPost), false);
    assert.equal(postsPolicy.canRead(nobody, councilPost), false);
  });

  it('a district post is read by every member and every officer, not by someone without a role', () => {
    for (const a of [member(GLUMSOE), member(FLADSAA), glumsoeOfficer, fladsaaOfficer, districtAdmin]) {
      assert.equal(postsPolicy.canRead(a, districtPost), true);
    }
    assert.equal(postsPolicy.canRead(nobody, districtPost), false);
  });

  it('officers publish for the councils they cover or the whole district; district admins for any', () => {
    assert.equal(postsPolicy.canPublishFor(glumsoeOfficer, GLUMSOE), true);
    assert.equal(postsPolicy.canPublishFor(glumsoeOfficer, null), true);
    assert.equal(postsPolicy.canPublishFor(glumsoeOfficer, FLADSAA), false);
    assert.equal(postsPolicy.canPublishFor(districtAdmin, FLADSAA), true);
    assert.equal(postsPolicy.canPublishFor(member(GLUMSOE), GLUMSOE), false);
    assert.equal(postsPolicy.canPublishAny(member(GLUMSOE)), false);
  });

  it('comments are hidden by the officers covering the council (any officer for a district post) and district admins', () => {
    assert.equal(postsPolicy.canModerate(glumsoeOfficer, councilPost), true);
    assert.equal(postsPolicy.canModerate(fladsaaOfficer, councilPost), false);
    assert.equal(postsPolicy.canModerate(fladsaaOfficer, districtPost), true);
    assert.equal(postsPolicy.canModerate(districtAdmin, councilPost), true);
    assert.equal(postsPolicy.canModerate(member(GLUMSOE), councilPost), false);
  });
});
