//! Search over products' titles and subtitles, Chinese included, through an index on both
//! databases: SQLite's FTS5 table `product_search` (trigram tokenizer) and PostgreSQL's
//! pg_trgm GIN index `product_search` (see migration 0014).
//!
//! A search is a few words; a product matches when every word appears in its title or its
//! subtitle, case aside. A trigram index finds words of three characters or more; a shorter
//! word (a two-character Chinese word is common) is matched by `LIKE` over the rows the
//! other conditions leave, which on PostgreSQL still goes through the GIN index's recheck
//! and on SQLite reads the products on sale.

use crate::ssr::db::Backend;

/// The words of a search, deduplicated, at most [`Terms::MAX`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms(Vec<String>);

/// The length (in characters) from which a word goes through the trigram index.
const TRIGRAM: usize = 3;

impl Terms {
    /// Words beyond this are ignored.
    pub const MAX: usize = 5;

    /// `None` when there is nothing to search for.
    pub fn parse(q: &str) -> Option<Terms> {
        let mut words: Vec<String> = Vec::new();
        for word in q.split_whitespace() {
            let word: String = word.chars().filter(|c| !c.is_control()).collect();
            if !word.is_empty() && !words.contains(&word) && words.len() < Self::MAX {
                words.push(word);
            }
        }
        (!words.is_empty()).then_some(Terms(words))
    }

    /// A condition over `products p` that holds when every word is found, and the texts to
    /// bind to it, numbered from `$first`.
    pub fn condition(&self, backend: Backend, first: usize) -> (String, Vec<String>) {
        let mut parts: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        match backend {
            Backend::Sqlite => {
                let (long, short): (Vec<&String>, Vec<&String>) =
                    self.0.iter().partition(|w| w.chars().count() >= TRIGRAM);
                if !long.is_empty() {
                    // Phrases side by side: all of them (each one a substring, in order).
                    let phrases: Vec<String> = long.iter().map(|w| fts_phrase(w)).collect();
                    binds.push(phrases.join(" "));
                    parts.push(format!(
                        "p.id IN (SELECT rowid FROM product_search WHERE product_search MATCH ${})",
                        first + binds.len() - 1
                    ));
                }
                for word in short {
                    binds.push(like_pattern(word));
                    let n = first + binds.len() - 1;
                    parts.push(format!(
                        "(p.title LIKE ${n} ESCAPE '\\' OR p.subtitle LIKE ${n} ESCAPE '\\')"
                    ));
                }
            }
            Backend::Postgres => {
                for word in &self.0 {
                    binds.push(like_pattern(word));
                    // The indexed expression, exactly: the GIN index serves it.
                    parts.push(format!(
                        "(p.title || ' ' || p.subtitle) ILIKE ${} ESCAPE '\\'",
                        first + binds.len() - 1
                    ));
                }
            }
        }
        (format!("({})", parts.join(" AND ")), binds)
    }

    /// An `ORDER BY` key that puts products whose title has every word first (0, else 1),
    /// and its binds, numbered from `$first`: a search's relevance in the merchant's order.
    pub fn title_first(&self, backend: Backend, first: usize) -> (String, Vec<String>) {
        let like = match backend {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        };
        let binds: Vec<String> = self.0.iter().map(|w| like_pattern(w)).collect();
        let tests: Vec<String> = (0..binds.len())
            .map(|i| format!("p.title {like} ${} ESCAPE '\\'", first + i))
            .collect();
        (
            format!("CASE WHEN {} THEN 0 ELSE 1 END", tests.join(" AND ")),
            binds,
        )
    }
}

/// `%word%`, with `LIKE`'s wildcards and the escape character taken literally.
fn like_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// An FTS5 phrase: the word in double quotes, its own double quotes doubled, so nothing a
/// buyer types is read as FTS5 syntax.
fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_deduplicated_and_capped() {
        assert_eq!(Terms::parse("  \t "), None);
        let t = Terms::parse(" 乌龙  tea 乌龙 a b c d e f").expect("terms");
        assert_eq!(t.0, ["乌龙", "tea", "a", "b", "c"]);
    }

    #[test]
    fn sqlite_sends_long_words_to_the_index_and_short_ones_to_like() {
        let t = Terms::parse("高山乌龙 茶 50%_off").expect("terms");
        let (sql, binds) = t.condition(Backend::Sqlite, 3);
        assert_eq!(
            sql,
            "(p.id IN (SELECT rowid FROM product_search WHERE product_search MATCH $3) AND \
             (p.title LIKE $4 ESCAPE '\\' OR p.subtitle LIKE $4 ESCAPE '\\'))"
        );
        assert_eq!(binds, ["\"高山乌龙\" \"50%_off\"", "%茶%"]);
    }

    #[test]
    fn postgres_matches_every_word_against_the_indexed_expression() {
        let t = Terms::parse("乌龙 50%_off").expect("terms");
        let (sql, binds) = t.condition(Backend::Postgres, 1);
        assert!(sql.contains("(p.title || ' ' || p.subtitle) ILIKE $1 ESCAPE"));
        assert!(sql.contains("ILIKE $2 ESCAPE"));
        assert_eq!(binds, ["%乌龙%", "%50\\%\\_off%"]);
    }

    #[test]
    fn nothing_typed_is_read_as_syntax() {
        assert_eq!(fts_phrase("a\"b OR c"), "\"a\"\"b OR c\"");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
    }

    #[test]
    fn the_title_key_binds_one_pattern_per_word() {
        let t = Terms::parse("红茶 礼盒").expect("terms");
        let (sql, binds) = t.title_first(Backend::Postgres, 2);
        assert_eq!(
            sql,
            "CASE WHEN p.title ILIKE $2 ESCAPE '\\' AND p.title ILIKE $3 ESCAPE '\\' THEN 0 ELSE 1 END"
        );
        assert_eq!(binds.len(), 2);
    }
}
