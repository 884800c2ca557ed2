-- Up Migration
-- contacts.import_id says which import created a contact (undo deletes by it). As a foreign
-- key it cost a lookup of the import for every imported contact, while the only writer is
-- the import itself, with the id of the import it has just created and claimed. What is
-- left to guard is the other direction, as the key did: an import that contacts point to
-- cannot be deleted.

ALTER TABLE contacts DROP CONSTRAINT contacts_user_id_import_id_fkey;

CREATE FUNCTION imports_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_imports o JOIN contacts c ON c.user_id = o.user_id AND c.import_id = o.id) THEN
    RAISE foreign_key_violation USING MESSAGE = 'an import that contacts were created by cannot be deleted (contacts.import_id)';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER imports_keep_referenced AFTER DELETE ON imports
  REFERENCING OLD TABLE AS old_imports FOR EACH STATEMENT EXECUTE FUNCTION imports_keep_referenced();

-- Down Migration
