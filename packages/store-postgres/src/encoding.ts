/**
 * Ids are any Unicode text, sent as UTF-8. A database in another encoding (LATIN1, WIN1252,
 * ...) would refuse some of them per call, quoting the id's bytes in its message. SQL_ASCII
 * stores the bytes as sent, so every id works there too. This check runs once, before the
 * first statement, and refuses the database with a message that names only its encoding.
 */
export const ENCODING_CHECK_SQL = [
  "DO $$ BEGIN",
  "  IF current_setting('server_encoding') NOT IN ('UTF8', 'SQL_ASCII') THEN",
  "    RAISE EXCEPTION 'session-store needs a UTF8 database (or SQL_ASCII); this one is %', current_setting('server_encoding');",
  "  END IF;",
  "END $$;",
].join("\n");
