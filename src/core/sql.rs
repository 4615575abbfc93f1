//! Light SQL highlighting: a tokenizer that splits text into classified
//! pieces, line by line. The UI renders each piece as a text node inside a
//! span; nothing is ever interpreted as markup.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Keyword,
    String,
    Number,
    Comment,
    Macro,
    Plain,
}

impl Token {
    pub fn css(self) -> &'static str {
        match self {
            Token::Keyword => "kw",
            Token::String => "str",
            Token::Number => "num",
            Token::Comment => "com",
            Token::Macro => "mac",
            Token::Plain => "",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "AND",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CASE",
    "CAST",
    "COUNT",
    "CREATE",
    "CROSS",
    "DATE",
    "DESC",
    "DISTINCT",
    "ELSE",
    "END",
    "EXTERNAL",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INSERT",
    "INTO",
    "IS",
    "JOIN",
    "LEFT",
    "LIMIT",
    "MODEL",
    "NOT",
    "NULL",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "OVER",
    "PARTITION",
    "RIGHT",
    "SELECT",
    "TABLE",
    "THEN",
    "UNION",
    "USING",
    "WHEN",
    "WHERE",
    "WITH",
];

/// Tokens per line. Block comments and strings may span lines.
pub fn highlight(sql: &str) -> Vec<Vec<(Token, String)>> {
    let mut lines: Vec<Vec<(Token, String)>> = vec![Vec::new()];
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let push = |lines: &mut Vec<Vec<(Token, String)>>, tok: Token, text: String| {
        // Split multi-line tokens so every line can be numbered.
        for (k, part) in text.split('\n').enumerate() {
            if k > 0 {
                lines.push(Vec::new());
            }
            if !part.is_empty() {
                let line = lines.last_mut().expect("at least one line");
                match line.last_mut() {
                    Some((t, s)) if *t == tok => s.push_str(part),
                    _ => line.push((tok, part.to_string())),
                }
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let tok = if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            Token::Comment
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i = (i + 2).min(chars.len());
            Token::Comment
        } else if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            if c == '\'' {
                Token::String
            } else {
                Token::Plain
            }
        } else if c == '@' || c.is_alphabetic() || c == '_' {
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if c == '@' {
                Token::Macro
            } else if KEYWORDS.contains(&word.to_ascii_uppercase().as_str()) {
                Token::Keyword
            } else {
                Token::Plain
            }
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            Token::Number
        } else {
            i += 1;
            Token::Plain
        };
        push(&mut lines, tok, chars[start..i].iter().collect());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_per_line() {
        let lines = highlight(
            "SELECT a, 'x y' -- note\nFROM t WHERE n > 10 AND d BETWEEN @start_ds AND @end_ds",
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            vec![
                (Token::Keyword, "SELECT".to_string()),
                (Token::Plain, " a, ".to_string()),
                (Token::String, "'x y'".to_string()),
                (Token::Plain, " ".to_string()),
                (Token::Comment, "-- note".to_string()),
            ]
        );
        let kinds: Vec<Token> = lines[1].iter().map(|t| t.0).collect();
        assert_eq!(kinds.iter().filter(|t| **t == Token::Keyword).count(), 5);
        assert!(lines[1].contains(&(Token::Number, "10".to_string())));
        assert!(lines[1].contains(&(Token::Macro, "@start_ds".to_string())));
        // Joining the pieces gives the text back.
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|t| t.1.as_str()).collect())
            .collect();
        assert_eq!(
            text.join("\n"),
            "SELECT a, 'x y' -- note\nFROM t WHERE n > 10 AND d BETWEEN @start_ds AND @end_ds"
        );
    }

    #[test]
    fn block_comments_span_lines_and_markup_stays_text() {
        let lines = highlight("/* a\nb */ SELECT '<script>'");
        assert_eq!(lines[0], vec![(Token::Comment, "/* a".to_string())]);
        assert_eq!(lines[1][0], (Token::Comment, "b */".to_string()));
        assert_eq!(
            lines[1].last().unwrap(),
            &(Token::String, "'<script>'".to_string())
        );
        assert_eq!(highlight("").len(), 1);
    }
}
