//! `layout`: per-class AP and mAP@0.5 of Parasol's layout regions on the
//! PubLayNet examples (classes text, title, list, table, figure).

use parasol_doc::{BBox, Category};

use crate::corpus;
use crate::detection_ap::{average_precision, Detection};
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, Availability, Context, Request};
use crate::EvalError;

/// IoU threshold of the reported mAP.
pub const IOU: f32 = 0.5;

/// PubLayNet's class for one of Upstage's categories; the rest have none.
pub fn publaynet_class(c: Category) -> Option<&'static str> {
    Some(match c {
        Category::Paragraph => "text",
        Category::Heading1 => "title",
        Category::List => "list",
        Category::Table => "table",
        Category::Figure | Category::Chart => "figure",
        _ => return None,
    })
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let capabilities = ctx.converter.capabilities();
    if let Availability::NotAvailable(reason) = capabilities.layout {
        return Ok(Report::not_available("layout", reason));
    }
    let truth = corpus::publaynet(&ctx.paths.corpus)?;
    let mut report = Report::new("layout");
    report.notes.extend(capabilities.layout_note);
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    let mut detections = Vec::new();
    let mut seconds = 0.0;
    for (image, (path, width, height)) in truth.images.iter().enumerate() {
        let (out, conversion) = convert_timed(ctx, path, &Request::default());
        seconds += out.seconds;
        let Some(conv) = conversion else {
            report.notes.push(format!(
                "parasol failed on {}: {}",
                path.display(),
                out.error.unwrap_or_default()
            ));
            continue;
        };
        // Regions are in page pixels; scale to the annotated image size.
        let page = conv.document.pages.first();
        let (sx, sy) = page.map_or((1.0, 1.0), |p| {
            (
                if p.width > 0.0 { width / p.width } else { 1.0 },
                if p.height > 0.0 { height / p.height } else { 1.0 },
            )
        });
        for r in conv.regions.iter().filter(|r| r.page == 1) {
            let Some(name) = publaynet_class(r.category) else { continue };
            let Some(class) = truth.classes.iter().position(|c| c == name) else { continue };
            let b = r.bbox;
            let bbox = BBox::new(b.x0 * sx, b.y0 * sy, b.x1 * sx, b.y1 * sy);
            detections.push(Detection { image, class, bbox, score: r.score });
        }
    }
    let ap = average_precision(&truth.boxes, &detections, truth.classes.len(), IOU);
    let mut table = Table::new(
        format!("AP@{IOU} per class (COCO 101-point interpolation)"),
        &["class", "truth boxes", "AP"],
    );
    for (i, name) in truth.classes.iter().enumerate() {
        let n = truth.boxes.iter().filter(|b| b.class == i).count();
        table.push(vec![Cell::text(name), Cell::num(n as f64, 0), Cell::opt(ap.per_class[i], 4)]);
    }
    table.push(vec![Cell::text("mAP"), Cell::num(truth.boxes.len() as f64, 0), Cell::num(ap.map, 4)]);
    report.tables.push(table);
    report.notes.push(format!(
        "{} images, {:.2} s/page; categories mapped paragraph→text, heading1→title, list, table, figure/chart→figure",
        truth.images.len(),
        seconds / truth.images.len().max(1) as f64
    ));
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;
    use crate::suites::fake::{context, Fake};
    use crate::suites::{Capabilities, Conversion, Region};
    use parasol_doc::{Document, PageInfo};

    #[test]
    fn not_available_without_a_layout_model() {
        let fake = Fake {
            capabilities: Capabilities {
                layout: Availability::NotAvailable("no layout model yet (issue 4)".into()),
                tables: Availability::Available,
                layout_note: None,
                tables_note: None,
            },
            answer: Box::new(|_| Conversion::default()),
        };
        let r = run(&context(&fake)).unwrap();
        assert_eq!(r.status, Status::NotAvailable("no layout model yet (issue 4)".into()));
    }

    #[test]
    fn plugs_in_when_regions_exist() {
        let probe = Fake {
            capabilities: Capabilities {
                layout: Availability::Available,
                tables: Availability::Available,
                layout_note: None,
                tables_note: None,
            },
            answer: Box::new(|_| Conversion::default()),
        };
        let truth = corpus::publaynet(&context(&probe).paths.corpus).unwrap();
        assert_eq!(truth.images.len(), 20);
        assert_eq!(truth.classes, ["text", "title", "list", "table", "figure"]);
        // Regions equal to the truth boxes, on a page rendered at twice the
        // image size (so the suite must scale them back): mAP 1.
        let perfect = Fake {
            capabilities: probe.capabilities.clone(),
            answer: Box::new(move |p| {
                let image = truth.images.iter().position(|(path, _, _)| path == p).unwrap();
                let (_, w, h) = truth.images[image];
                let cats = [
                    Category::Paragraph,
                    Category::Heading1,
                    Category::List,
                    Category::Table,
                    Category::Figure,
                ];
                let regions = truth
                    .boxes
                    .iter()
                    .filter(|b| b.image == image)
                    .map(|b| Region { page: 1, category: cats[b.class], bbox: b.bbox.scale(2.0), score: 0.9 })
                    .collect();
                let page = PageInfo { number: 1, width: w * 2.0, height: h * 2.0, dpi: 144.0 };
                Conversion {
                    document: Document { pages: vec![page], elements: vec![] },
                    regions,
                    tables: vec![],
                }
            }),
        };
        let r = run(&context(&perfect)).unwrap();
        let last = r.tables[0].rows.last().unwrap();
        assert_eq!(last[2], Cell::num(1.0, 4), "{}", r.to_text());
    }
}
