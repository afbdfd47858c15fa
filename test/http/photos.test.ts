import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { MAX_PHOTO_SIDE } from '../../src/features/concerns/photos.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { DEMO, idFromRedirect, loggedIn, postMultipart } from '../helpers/world.js';

/**
 * Photos lose what the phone wrote into them (docs/domain.md#concern-privacy): a JPEG from a phone
 * with its GPS position, camera data, XMP and orientation is stored and served without any of it,
 * turned the right way up and no larger than MAX_PHOTO_SIDE.
 */

/** A 3000×1000 phone photo lying on its side (orientation 6), with GPS, camera and XMP data. */
async function phonePhoto(): Promise<Buffer> {
  const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>';
  return sharp({ create: { width: 3000, height: 1000, channels: 3, background: { r: 20, g: 120, b: 60 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 15' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '55/1 19/1 12/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '11/1 45/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .withXmp(xmp)
    .toBuffer();
}

const hasSegment = (jpeg: Buffer, marker: string) => jpeg.includes(Buffer.from(marker, 'latin1'));

describe('photos are cleaned on upload', () => {
  let app: TestApp;
  let hal: Client;

  before(async () => {
    app = await startTestApp();
    hal = await loggedIn(app, DEMO.hal);
  });
  after(() => app.close());

  const log = (photo: { name: string; type: string; bytes: Buffer }) =>
    postMultipart(
      app,
      hal,
      '/concerns',
      {
        council_id: String(
          app.deps.db.prepare("SELECT id FROM councils WHERE slug = 'glumsoe'").pluck().get(),
        ),
        category: 'trafik',
        title: 'Bilist kører over fortovet',
        description: 'Hver morgen ved skolen.',
        location: '',
        occurred_at: '',
      },
      [{ field: 'photos', ...photo }],
    );

  it('strips EXIF (GPS), XMP and ICC, applies the orientation and scales to 2,048 px', async () => {
    const original = await phonePhoto();
    const before = await sharp(original).metadata();
    assert.ok(before.exif && hasSegment(original, 'Exif\0\0'), 'the test photo carries EXIF');
    assert.ok(hasSegment(original, 'http://ns.adobe.com/xap/1.0/'), 'the test photo carries XMP');
    assert.ok(hasSegment(original, 'PhoneMaker'), 'the test photo names its camera');
    assert.equal(before.orientation, 6);

    await hal.get('/concerns/new');
    const res = await log({ name: 'IMG_0001.jpg', type: 'image/jpeg', bytes: original });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const id = idFromRedirect(res.location, 'concerns');
    const page = await hal.get(`/concerns/${id}`);
    const src = new RegExp(`<img src="(/concerns/${id}/photos/\\d+)"`).exec(page.text)?.[1];
    assert.ok(src);

    const served = Buffer.from(
      await (await fetch(`${app.url}${src}`, { headers: { cookie: hal.cookieHeader() } })).arrayBuffer(),
    );
    assert.equal(hasSegment(served, 'Exif\0\0'), false, 'no Exif segment');
    assert.equal(hasSegment(served, 'http://ns.adobe.com/xap/1.0/'), false, 'no XMP');
    assert.equal(hasSegment(served, 'ICC_PROFILE'), false, 'no ICC profile');
    assert.equal(hasSegment(served, 'PhoneMaker'), false, 'no camera make');
    const after = await sharp(served).metadata();
    assert.equal(after.format, 'jpeg');
    assert.equal(after.exif, undefined);
    assert.equal(after.orientation, undefined);
    // Turned upright (portrait) and scaled so the longest side is 2,048 px.
    assert.deepEqual({ width: after.width, height: after.height }, { width: 683, height: MAX_PHOTO_SIDE });

    // What is on disk is what is served: the raw upload was never written.
    const file = app.deps.db
      .prepare('SELECT file_name FROM concern_photos WHERE concern_id = ?')
      .pluck()
      .get(id);
    assert.ok(typeof file === 'string');
  });

  it('refuses a file that claims to be a JPEG but cannot be decoded, and keeps the text', async () => {
    await hal.get('/concerns/new');
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const res = await log({ name: 'broken.jpg', type: 'image/jpeg', bytes: broken });
    assert.equal(res.status, 422);
    assert.match(res.text, /href="#field-photos"/);
    assert.match(res.text, /Bilist kører over fortovet/);
  });
});
