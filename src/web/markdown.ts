import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: true, async: false });

/**
 * Markdown → HTML that is safe in a mail and on the archive page: headings, paragraphs, lists,
 * links, emphasis, quotes — no scripts, no styles, no images (remote images track readers), and
 * links only to http(s) and mailto.
 */
export function renderMarkdown(markdown: string): string {
  const raw = marked.parse(markdown) as string;
  return sanitizeHtml(raw, {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'p',
      'br',
      'ul',
      'ol',
      'li',
      'a',
      'strong',
      'em',
      'b',
      'i',
      'blockquote',
      'hr',
      'code',
      'pre',
    ],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      // Headings in a newsletter sit below the page's own h1.
      h1: 'h2',
    },
  });
}

/** A plain-text part from the Markdown source: readable as it is, minus the markup that is noise. */
export function markdownToText(markdown: string): string {
  return (
    markdown
      .replace(/\r\n/g, '\n')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
      // Only link targets the HTML part would keep (http, https, mailto) are written out.
      .replace(/\[([^\]]+)\]\(((?:[^()]|\([^()]*\))+)\)/g, (_all, text: string, href: string) =>
        /^(https?:|mailto:)/i.test(href.trim()) ? `${text} (${href.trim()})` : text,
      )
      .replace(/^#{1,6}\s+/gm, '')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/__([^_]+)__/g, '$1')
      .replace(/(?<!\\)<[^>]+>/g, '')
      // Characters the writer escaped to keep them literal (\* \_ \< …) are shown without the backslash.
      .replace(/\\([\\`*_[\]{}()<>#+=.!|&~-])/g, '$1')
      .trim()
  );
}
