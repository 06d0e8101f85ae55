//! What a suite returns: tables of per-file results and summaries, notes, and
//! failures, printable as aligned text or Markdown and serialisable to JSON.

use serde::Serialize;

/// One cell: a number shown with a fixed number of decimals, text, or a
/// missing value with the reason (shown as `—`, serialised as `null`).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(f64, usize),
    Text(String),
    Missing,
}

impl Cell {
    pub fn num(v: f64, digits: usize) -> Cell {
        if v.is_finite() {
            Cell::Num(v, digits)
        } else {
            Cell::Missing
        }
    }

    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt(v: Option<f64>, digits: usize) -> Cell {
        v.map_or(Cell::Missing, |v| Cell::num(v, digits))
    }

    fn show(&self) -> String {
        match self {
            Cell::Num(v, d) => format!("{v:.d$}", d = *d),
            Cell::Text(s) => s.clone(),
            Cell::Missing => "—".into(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Num(v, _) => s.serialize_f64(*v),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Missing => s.serialize_none(),
        }
    }
}

/// A titled table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    fn shown(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| r.iter().map(Cell::show).collect()).collect()
    }

    /// Aligned plain text: first column left-aligned, the others right.
    pub fn to_text(&self) -> String {
        let rows = self.shown();
        let mut width: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = width.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        // Columns holding only numbers (and gaps) are right-aligned.
        let numeric: Vec<bool> = (0..self.columns.len())
            .map(|i| {
                let mut cells = self.rows.iter().filter_map(|r| r.get(i));
                cells.clone().any(|c| matches!(c, Cell::Num(..)))
                    && cells.all(|c| matches!(c, Cell::Num(..) | Cell::Missing))
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                let w = width.get(i).copied().unwrap_or(0);
                let pad = " ".repeat(w.saturating_sub(c.chars().count()));
                if i > 0 {
                    s.push_str("  ");
                }
                if numeric.get(i).copied().unwrap_or(false) {
                    s.push_str(&pad);
                    s.push_str(c);
                } else {
                    s.push_str(c);
                    s.push_str(&pad);
                }
            }
            s.trim_end().to_owned() + "\n"
        };
        let mut out = format!("{}\n", self.title);
        out.push_str(&line(&self.columns));
        out.push_str(&line(&width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>()));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = format!(
            "**{}**\n\n| {} |\n|",
            self.title,
            self.columns.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        );
        for i in 0..self.columns.len() {
            out.push_str(if i == 0 { "---|" } else { "---:|" });
        }
        out.push('\n');
        for r in self.shown() {
            out.push_str(&format!("| {} |\n", r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
        }
        out
    }
}

/// Whether a suite could be measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Status {
    Measured,
    /// The feature it measures is not built yet; never a fake score.
    NotAvailable(String),
}

/// The outcome of one suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub suite: String,
    pub status: Status,
    /// Per-file tables first, then summaries.
    pub tables: Vec<Table>,
    /// How to read the numbers, peers not run, excluded files.
    pub notes: Vec<String>,
    /// Hard failures (a crash, a timeout, a threshold missed): any makes
    /// `parasol-eval` exit non-zero.
    pub failures: Vec<String>,
}

impl Report {
    pub fn new(suite: &str) -> Report {
        Report {
            suite: suite.into(),
            status: Status::Measured,
            tables: Vec::new(),
            notes: Vec::new(),
            failures: Vec::new(),
        }
    }

    pub fn not_available(suite: &str, reason: impl Into<String>) -> Report {
        Report { status: Status::NotAvailable(reason.into()), ..Report::new(suite) }
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("== {}\n", self.suite);
        if let Status::NotAvailable(reason) = &self.status {
            out.push_str(&format!("not available: {reason}\n"));
        }
        for t in &self.tables {
            out.push('\n');
            out.push_str(&t.to_text());
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        for f in &self.failures {
            out.push_str(&format!("FAILURE: {f}\n"));
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let mut out = format!("### `{}`\n\n", self.suite);
        if let Status::NotAvailable(reason) = &self.status {
            out.push_str(&format!("Not available: {reason}\n\n"));
        }
        for t in &self.tables {
            out.push_str(&t.to_markdown());
            out.push('\n');
        }
        for n in &self.notes {
            out.push_str(&format!("- {n}\n"));
        }
        for f in &self.failures {
            out.push_str(&format!("- **failure**: {f}\n"));
        }
        out
    }
}

/// The machine the figures were measured on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub os: String,
    /// `/proc/loadavg`'s 1, 5 and 15-minute load averages when measuring
    /// started: other work on the machine skews timings.
    pub load: Option<String>,
}

impl Machine {
    /// Reads the CPU model from `/proc/cpuinfo` (where there is one).
    pub fn detect() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let load = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
        Machine { cpu, cores, os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH), load }
    }
}

impl std::fmt::Display for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, {} cores available, {}", self.cpu, self.cores, self.os)?;
        if let Some(load) = &self.load {
            write!(f, ", load average {load} at start")?;
        }
        Ok(())
    }
}

/// All reports as one JSON document, with the command and the machine.
pub fn to_json(command: &str, machine: &Machine, reports: &[Report]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(
        &serde_json::json!({ "command": command, "machine": machine, "reports": reports }),
    )
}

/// All reports as Markdown, headed by the command and the machine.
pub fn to_markdown(command: &str, machine: &Machine, reports: &[Report]) -> String {
    let mut out = format!("Measured with `{command}` on {machine}.\n\n");
    for r in reports {
        out.push_str(&r.to_markdown());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_text_markdown_and_json() {
        let mut t = Table::new("scores", &["file", "CER", "s/page", "note"]);
        t.push(vec![Cell::text("a.png"), Cell::num(0.01234, 3), Cell::Missing, Cell::text("ok")]);
        t.push(vec![Cell::text("long|name.png"), Cell::num(1.0, 3), Cell::num(2.5, 2), Cell::text("x")]);
        assert_eq!(Cell::num(f64::NAN, 2), Cell::Missing);
        assert_eq!(
            t.to_text(),
            "scores\nfile             CER  s/page  note\n-------------  -----  ------  ----\n\
             a.png          0.012       —  ok\nlong|name.png  1.000    2.50  x\n"
        );
        assert_eq!(
            t.to_markdown(),
            "**scores**\n\n| file | CER | s/page | note |\n|---|---:|---:|---:|\n| a.png | 0.012 | — | ok |\n\
             | long\\|name.png | 1.000 | 2.50 | x |\n"
        );
        let json = serde_json::to_string(&t.rows).unwrap();
        assert_eq!(json, r#"[["a.png",0.01234,null,"ok"],["long|name.png",1.0,2.5,"x"]]"#);
        let r = Report::not_available("tables", "no table model yet");
        assert!(r.to_text().contains("not available: no table model yet"));
        assert_eq!(
            serde_json::to_value(&r.status).unwrap(),
            serde_json::json!({"status": "not_available", "reason": "no table model yet"})
        );
    }
}
