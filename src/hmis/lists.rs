//! HUD's code lists (Appendix B of the CSV specification plus the CSV-only `1.x` lists),
//! read from `spec/lists.tsv`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const LISTS: &str = include_str!("spec/lists.tsv");

#[derive(Debug, Clone)]
pub struct Code {
    pub code: i32,
    pub meaning: String,
    /// For list 3.12.1: the living-situation group (`homeless`, `institutional`,
    /// `temporary`, `permanent`, `other`).
    pub group: Option<String>,
    /// For list 3.12.1: the data elements the code is valid for (`3.917`, `4.12`, `3.12`).
    pub valid_for: Vec<String>,
}

#[derive(Debug, Default)]
pub struct CodeList {
    pub id: String,
    pub codes: BTreeMap<i32, Code>,
}

impl CodeList {
    pub fn contains(&self, code: i32) -> bool {
        self.codes.contains_key(&code)
    }
    pub fn label(&self, code: i32) -> Option<&str> {
        self.codes.get(&code).map(|c| c.meaning.as_str())
    }
}

#[derive(Debug, Default)]
pub struct Lists {
    lists: HashMap<String, CodeList>,
    /// Services.RecordType -> the list its TypeProvided must come from.
    type_provided_by_record_type: HashMap<i32, String>,
}

impl Lists {
    pub fn get() -> &'static Lists {
        static L: OnceLock<Lists> = OnceLock::new();
        L.get_or_init(|| Lists::parse(LISTS))
    }

    pub fn list(&self, id: &str) -> Option<&CodeList> {
        self.lists.get(id)
    }

    /// The list TypeProvided must come from for a Services.RecordType.
    pub fn type_provided_list(&self, record_type: i32) -> Option<&str> {
        self.type_provided_by_record_type
            .get(&record_type)
            .map(String::as_str)
    }

    /// Label of a code, e.g. `label("2.02.6", 13)` = "PH - Rapid Re-Housing".
    pub fn label(&self, list: &str, code: i32) -> Option<&str> {
        self.list(list).and_then(|l| l.label(code))
    }

    fn parse(text: &str) -> Lists {
        let mut lists: HashMap<String, CodeList> = HashMap::new();
        let mut tp = HashMap::new();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 3 {
                continue;
            }
            // Column-set pseudo-lists (e.g. `3.04-columns`) have names, not numbers.
            let Ok(code) = f[1].trim().parse::<i32>() else {
                continue;
            };
            let note = f.get(3).copied().unwrap_or("");
            let mut group = None;
            let mut valid_for = Vec::new();
            for part in note.split(';').map(str::trim) {
                if let Some(g) = part.strip_prefix("group=") {
                    group = Some(g.to_string());
                } else if let Some(v) = part.strip_prefix("valid for ") {
                    let v = v.trim_end_matches(" only");
                    valid_for = v.split(',').map(|s| s.trim().to_string()).collect();
                } else if let Some(l) = part.strip_prefix("TypeProvided uses list ")
                    && f[0] == "1.4"
                {
                    tp.insert(code, l.trim().to_string());
                }
            }
            let list = lists.entry(f[0].to_string()).or_insert_with(|| CodeList {
                id: f[0].to_string(),
                ..Default::default()
            });
            list.codes.insert(
                code,
                Code {
                    code,
                    meaning: f[2].to_string(),
                    group,
                    valid_for,
                },
            );
        }
        Lists {
            lists,
            type_provided_by_record_type: tp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_with_groups_and_dependencies() {
        let l = Lists::get();
        assert_eq!(l.label("2.02.6", 13), Some("PH - Rapid Re-Housing"));
        assert!(l.list("1.8").unwrap().contains(99));
        assert!(!l.list("1.10").unwrap().contains(99));
        let ls = l.list("3.12.1").unwrap();
        let c = &ls.codes[&435];
        assert_eq!(c.group.as_deref(), Some("permanent"));
        assert_eq!(c.valid_for, vec!["3.917", "4.12", "3.12"]);
        assert_eq!(ls.codes[&312].valid_for, vec!["3.12"]);
        assert_eq!(l.type_provided_list(200), Some("4.14"));
        assert_eq!(l.type_provided_list(152), Some("V3.4"));
    }
}
