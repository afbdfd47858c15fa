import express, { type RequestHandler } from 'express';

/**
 * What one urlencoded form may carry. The largest real form (a newsletter's Markdown) is far below
 * it; the limit is there so nobody can make the server hold megabytes. Over it, the request is
 * refused with 413 and a page that names these numbers (views/errors/413.ejs).
 */
export const FORM_BODY_LIMITS = { kilobytes: 200, fields: 500 } as const;

/** Parses urlencoded form bodies; repeated fields become arrays, `a[b]` stays a plain name. */
export function formBody(): RequestHandler {
  return express.urlencoded({
    extended: false,
    limit: `${FORM_BODY_LIMITS.kilobytes}kb`,
    parameterLimit: FORM_BODY_LIMITS.fields,
  });
}
