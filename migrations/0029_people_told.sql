-- People are told what happens to them (issue 13, item 8). The officers' daily digest lists the
-- crime-picture comments written since each officer's last digest: the comments of one day are
-- found through their time, so a digest costs the same however many comments the years collect.
CREATE INDEX post_comments_created ON post_comments (created_at);
