-- Kriminalitetsbillede (issue 5 item 6): posts per council or for the whole district, figures per
-- category, and the network's comments, which an officer can hide with a reason.

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  council_id INTEGER REFERENCES councils(id),   -- NULL = the whole police district
  title TEXT NOT NULL,
  period TEXT NOT NULL,                          -- free text, e.g. "Oktober 2026"
  body_markdown TEXT NOT NULL,
  body_html TEXT NOT NULL,                       -- rendered and sanitised when saved
  author_id INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX posts_council ON posts(council_id, created_at);
CREATE INDEX posts_created ON posts(created_at);

-- One row per category the officer gave a figure for; either period may be unknown (NULL).
CREATE TABLE post_figures (
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  category_id INTEGER NOT NULL REFERENCES categories(id),
  current_count INTEGER CHECK (current_count IS NULL OR current_count >= 0),
  previous_count INTEGER CHECK (previous_count IS NULL OR previous_count >= 0),
  PRIMARY KEY (post_id, category_id)
);

-- Replies are one level deep: a reply's parent is a top-level comment of the same post.
CREATE TABLE post_comments (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES post_comments(id),
  author_id INTEGER REFERENCES users(id),
  body TEXT NOT NULL,
  hidden_at TEXT,
  hidden_by INTEGER REFERENCES users(id),
  hidden_reason TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX post_comments_post ON post_comments(post_id, id);
