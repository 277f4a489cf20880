-- The posting browser's key (byline_core::Comment::commenter): avatars are
-- drawn from it, and "known commenter" needs the same browser, so neither a
-- guessed email nor someone's name and email typed into the form pass as
-- them. Existing comments have none: their authors are known again after
-- one comment from their browser.
ALTER TABLE comments ADD COLUMN commenter TEXT;
-- Old protected articles were indexed before the store kept their text out
-- of the search index.
DELETE FROM articles_fts WHERE rowid IN (SELECT id FROM articles WHERE coalesce(password, '') != '');
