import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const MAX_PHOTOS = 3;
/** Photos added later come MAX_PHOTOS at a time, up to this many on one concern (disk is not free). */
export const MAX_PHOTOS_PER_CONCERN = 9;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** The longest side a stored photo may have; larger ones are scaled down. */
export const MAX_PHOTO_SIDE = 2048;

export type UploadedPhoto = { buffer: Buffer; size: number };

/**
 * A photo as it is stored: re-encoded by cleanPhotos, so nothing the phone wrote into the file
 * (EXIF with the GPS position, XMP, IPTC, ICC comments, thumbnails) survives. Only cleanPhotos
 * makes one, so a raw upload cannot reach the disk.
 */
export type CleanPhoto = UploadedPhoto & { readonly cleaned: true };
export type StoredPhoto = { fileName: string; contentType: 'image/jpeg' | 'image/png'; size: number };

/**
 * The real type from the file's first bytes — never the name or the browser's claim, so a script
 * renamed to .jpg is refused.
 */
export function sniffImageType(buffer: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff)
    return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buffer.length >= 8 && png.every((b, i) => buffer[i] === b)) return 'image/png';
  return undefined;
}

/**
 * Cleans the uploads before they are checked and stored: the orientation is applied to the
 * pixels, the image is scaled to at most MAX_PHOTO_SIDE on its longest side and re-encoded in its
 * own format with no metadata at all (sharp writes none unless asked). A file that is not a JPEG
 * or PNG, or that cannot be decoded, is passed on unchanged and empty-handed for photoProblem to
 * refuse; it is never stored.
 */
export async function cleanPhotos(uploads: UploadedPhoto[]): Promise<CleanPhoto[]> {
  return Promise.all(
    uploads.map(async (upload): Promise<CleanPhoto> => {
      const type = upload.size <= MAX_PHOTO_BYTES ? sniffImageType(upload.buffer) : undefined;
      if (!type) return { ...upload, cleaned: true };
      try {
        const image = sharp(upload.buffer, { failOn: 'error' })
          .rotate()
          .resize({ width: MAX_PHOTO_SIDE, height: MAX_PHOTO_SIDE, fit: 'inside', withoutEnlargement: true });
        const buffer = await (type === 'image/png'
          ? image.png()
          : image.jpeg({ quality: 85, mozjpeg: true })
        ).toBuffer();
        return { buffer, size: buffer.length, cleaned: true };
      } catch {
        // Not decodable: an empty buffer fails the type check, so the form says "not an image".
        return { buffer: Buffer.alloc(0), size: 0, cleaned: true };
      }
    }),
  );
}

/** i18n key of the first problem with the uploaded photos, or null. */
export function photoProblem(photos: UploadedPhoto[]): string | null {
  if (photos.length > MAX_PHOTOS) return 'concerns.errors.photos_too_many';
  for (const photo of photos) {
    if (photo.size > MAX_PHOTO_BYTES) return 'concerns.errors.photo_too_large';
    if (!sniffImageType(photo.buffer)) return 'concerns.errors.photo_type';
  }
  return null;
}

/** photoProblem for photos added to a concern that already has `existing` photos. */
export function addedPhotoProblem(existing: number, photos: UploadedPhoto[]): string | null {
  if (photos.length > 0 && existing + photos.length > MAX_PHOTOS_PER_CONCERN)
    return 'concerns.errors.photos_concern_full';
  return photoProblem(photos);
}

/** Photos live under DATA_DIR/uploads with random names; only the database knows which concern owns one. */
export class PhotoStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  save(photo: CleanPhoto): StoredPhoto {
    const contentType = sniffImageType(photo.buffer);
    if (!contentType) throw new Error('not an image');
    const fileName = `${randomBytes(18).toString('base64url')}${contentType === 'image/png' ? '.png' : '.jpg'}`;
    try {
      writeFileSync(path.join(this.dir, fileName), photo.buffer, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      // A disk that fills up mid-write leaves part of the file behind ('wx': never someone else's).
      if ((err as { code?: unknown }).code !== 'EEXIST') this.remove(fileName);
      throw err;
    }
    return { fileName, contentType, size: photo.size };
  }

  pathOf(fileName: string): string {
    // Names come from the database, but never let one climb out of the folder.
    return path.join(this.dir, path.basename(fileName));
  }

  remove(fileName: string): void {
    try {
      unlinkSync(this.pathOf(fileName));
    } catch {
      // already gone
    }
  }
}
