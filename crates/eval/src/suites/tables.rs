//! `tables`: TEDS and TEDS-S on PubTabNet table images (the 20 examples and
//! the competition's 20 validation tables), scoring the first table Parasol
//! finds in each image against the ground-truth HTML.

use crate::corpus;
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, mean, Availability, Context, Request};
use crate::teds::{teds, teds_s};
use crate::EvalError;

/// Wraps a bare `<table>` the way the reference metric expects its input.
fn as_document(html: &str) -> String {
    if html.contains("<body") {
        html.to_owned()
    } else {
        format!("<html><body>{html}</body></html>")
    }
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let capabilities = ctx.converter.capabilities();
    if let Availability::NotAvailable(reason) = capabilities.tables {
        return Ok(Report::not_available("tables", reason));
    }
    let cases = corpus::table_cases(&ctx.paths.corpus)?;
    let mut report = Report::new("tables");
    report.notes.extend(capabilities.tables_note);
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    let mut table = Table::new(
        "per table (first predicted table; none found scores 0)",
        &["set", "file", "TEDS", "TEDS-S", "s"],
    );
    let mut by_set: Vec<(&str, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut not_found = 0usize;
    for case in &cases {
        let (out, conversion) =
            convert_timed(ctx, &case.image, &Request { page_is_table: true, ..Request::default() });
        let predicted = conversion.as_ref().and_then(|c| c.tables.first()).map(|h| as_document(h));
        let (t, s) = match &predicted {
            Some(p) => (teds(p, &case.truth_html).score, teds_s(p, &case.truth_html).score),
            None => {
                not_found += 1;
                (0.0, 0.0)
            }
        };
        if let Some(e) = &out.error {
            report.notes.push(format!("parasol failed on {}: {e} (scored 0)", case.rel));
        }
        let file = case.rel.rsplit('/').next().unwrap_or(&case.rel);
        table.push(vec![
            Cell::text(case.set),
            Cell::text(file),
            Cell::num(t, 4),
            Cell::num(s, 4),
            Cell::num(out.seconds, 2),
        ]);
        match by_set.iter_mut().find(|(n, _, _)| *n == case.set) {
            Some((_, ts, ss)) => {
                ts.push(t);
                ss.push(s);
            }
            None => by_set.push((case.set, vec![t], vec![s])),
        }
    }
    let mut summary = Table::new("summary (mean over tables)", &["set", "tables", "TEDS", "TEDS-S"]);
    let (mut all_t, mut all_s) = (Vec::new(), Vec::new());
    for (set, ts, ss) in &by_set {
        summary.push(vec![
            Cell::text(*set),
            Cell::num(ts.len() as f64, 0),
            Cell::opt(mean(ts), 4),
            Cell::opt(mean(ss), 4),
        ]);
        all_t.extend(ts);
        all_s.extend(ss);
    }
    summary.push(vec![
        Cell::text("all"),
        Cell::num(all_t.len() as f64, 0),
        Cell::opt(mean(&all_t), 4),
        Cell::opt(mean(&all_s), 4),
    ]);
    report.tables.push(table);
    report.tables.push(summary);
    report.notes.push(format!("no table found in {not_found} of {} images (each scores 0)", cases.len()));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;
    use crate::suites::fake::{context, Fake};
    use crate::suites::{Capabilities, Conversion};

    #[test]
    fn not_available_without_table_recognition() {
        let fake = Fake {
            capabilities: Capabilities {
                layout: Availability::NotAvailable("no layout model".into()),
                tables: Availability::NotAvailable("no table model (issue 4)".into()),
                layout_note: None,
                tables_note: None,
            },
            answer: Box::new(|_| Conversion::default()),
        };
        let r = run(&context(&fake)).unwrap();
        assert_eq!(r.status, Status::NotAvailable("no table model (issue 4)".into()));
        assert!(r.tables.is_empty());
    }

    #[test]
    fn plugs_in_when_tables_exist() {
        // A converter that returns the ground truth scores 1; one that finds
        // no table scores 0.
        let corpus = context(&Fake {
            capabilities: Capabilities {
                layout: Availability::Available,
                tables: Availability::Available,
                layout_note: None,
                tables_note: None,
            },
            answer: Box::new(|_| Conversion::default()),
        })
        .paths
        .corpus;
        let cases = corpus::table_cases(&corpus).unwrap();
        assert_eq!(cases.len(), 40);
        let perfect = Fake {
            capabilities: Capabilities {
                layout: Availability::Available,
                tables: Availability::Available,
                layout_note: None,
                tables_note: None,
            },
            answer: Box::new(move |p| {
                let case = cases.iter().find(|c| c.image == p).unwrap();
                Conversion { tables: vec![case.truth_html.clone()], ..Conversion::default() }
            }),
        };
        let r = run(&context(&perfect)).unwrap();
        let all = r.tables[1].rows.last().unwrap();
        assert_eq!(all[2], Cell::num(1.0, 4), "{}", r.to_text());
        assert_eq!(all[3], Cell::num(1.0, 4));
    }
}
