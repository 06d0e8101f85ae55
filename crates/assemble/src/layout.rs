//! Assembly of a page that has layout regions: text into regions, tables
//! filled, captions linked, headers first and footers last, the body in
//! XY-cut order.

use parasol_doc::{BBox, Category, Region, TextLine};

use crate::columns::{merge_value_columns, Both, TextBlocks};
use crate::paragraphs::{horizontal_overlap, list_text};
use crate::text::{is_caption_start, is_heading, is_index, is_list_item, join_lines, median, rows};
use crate::{Block, PageText};

/// Share of a line's area that must lie in a region for it to belong there.
pub(crate) const LINE_IN_REGION: f32 = 0.5;

/// Share of a region's area that must lie inside another region for it to be
/// a duplicate of that region or a part of a table, figure or chart.
const REGION_INSIDE: f32 = 0.8;

/// Fewest lines on a figure for it to be a photographed or scanned page.
const PAGE_PHOTO_MIN_LINES: usize = 5;

/// A figure covering more than this share of the page is a page photo.
const PAGE_PHOTO_AREA: f32 = 0.5;

/// A figure whose text lines cover more than this share of it is a page photo.
const PAGE_PHOTO_TEXT_DENSITY: f32 = 0.15;

/// A page header set at least this many times the body's font size is a
/// title, not a running head...
const HEADER_TITLE_FONT_RATIO: f32 = 1.4;

/// ...and this many times by OCR's box heights, whose margins bring a
/// large title nearer the body (a form's 20-point title over 11-point
/// cells: 1.36).
const OCR_HEADER_TITLE_FONT_RATIO: f32 = 1.3;

/// Share of the narrower width a caption and its table or figure share.
const CAPTION_OVERLAP: f32 = 0.3;

/// A caption lies at most this many of its heights from its table or figure.
const CAPTION_MAX_GAP: f32 = 4.0;

/// A caption's height counts as at least this many pixels for
/// [`CAPTION_MAX_GAP`], so that a short caption still reaches its table.
const CAPTION_MIN_HEIGHT: f32 = 10.0;

pub(crate) fn contained(inner: &BBox, outer: &BBox) -> f32 {
    inner.share_in(outer)
}

fn is_container(c: Category) -> bool {
    matches!(c, Category::Table | Category::Figure | Category::Chart)
}

/// Drops regions that duplicate or sit inside a table, figure or chart, so
/// their text is read once, as part of the container. Two text regions
/// that cover each other (the layout model gave one block two classes, a
/// paragraph and a list) are one: the likelier class stays. A figure or
/// chart inside a table is read as part of it too (a layout model's
/// "figure" over a table's last rows). Only `live` regions are kept or keep
/// others out.
fn keep_regions(regions: &[Region], live: &[bool]) -> Vec<usize> {
    (0..regions.len())
        .filter(|&i| live[i])
        .filter(|&i| {
            let r = &regions[i];
            !regions.iter().enumerate().any(|(j, o)| {
                let twin = || {
                    !is_container(r.category)
                        && !is_container(o.category)
                        && contained(&o.bbox, &r.bbox) > REGION_INSIDE
                        && (o.score > r.score || (o.score == r.score && j < i))
                };
                j != i
                    && live[j]
                    && contained(&r.bbox, &o.bbox) > REGION_INSIDE
                    && ((is_container(o.category) && !is_container(r.category))
                        || (o.category == Category::Table && r.category != Category::Table)
                        || (o.category == r.category
                            && (o.bbox.area() > r.bbox.area() || (o.bbox.area() == r.bbox.area() && j < i)))
                        || (o.category != r.category && twin()))
            })
        })
        .collect()
}

/// Whether the first line in region `r` opens a caption ("Table 2:").
/// A "caption" half inside a table without one is the table's own header
/// row set in bold (a long table's header repeated on its next page), and
/// its words are the table's.
fn labelled(page: &PageText, r: &Region) -> bool {
    page.lines
        .iter()
        .filter(|l| contained(&l.bbox, &r.bbox) >= LINE_IN_REGION)
        .min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0))
        .is_some_and(|l| is_caption_start(&l.text))
}

/// The region holding most of `line`, if it holds enough.
fn region_of(line: &BBox, regions: &[Region], kept: &[usize]) -> Option<usize> {
    kept.iter()
        .map(|&i| (i, contained(line, &regions[i].bbox)))
        .filter(|&(_, c)| c >= LINE_IN_REGION)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// A "figure" covering most of the page, or densely covered by text, with
/// plenty of lines on it is a photographed or scanned document (a receipt on
/// a table, say), not a picture: its text must be read, not hidden in an
/// image. Charts carry a few short labels and stay figures.
pub(crate) fn is_page_photo(r: &Region, page: &PageText) -> bool {
    if !matches!(r.category, Category::Figure | Category::Chart) {
        return false;
    }
    let inside: Vec<&TextLine> =
        page.lines.iter().filter(|l| contained(&l.bbox, &r.bbox) >= LINE_IN_REGION).collect();
    if pictures_text(page, &inside) {
        return false;
    }
    let page_area = page.info.width * page.info.height;
    let text_area: f32 = inside.iter().map(|l| l.bbox.area()).sum();
    inside.len() >= PAGE_PHOTO_MIN_LINES
        && (r.bbox.area() > PAGE_PHOTO_AREA * page_area
            || text_area > PAGE_PHOTO_TEXT_DENSITY * r.bbox.area())
}

/// Whether `lines` are OCR's reading of a picture on a page that has a text
/// layer (a chart's labels, a pasted photo's words): they stay with the
/// figure, as its text, and never make it a page of text; on a born-digital
/// page the layer is the text.
fn pictures_text(page: &PageText, lines: &[&TextLine]) -> bool {
    use parasol_doc::TextOrigin;
    !lines.is_empty()
        && lines.iter().all(|l| l.origin == TextOrigin::Ocr)
        && page.lines.iter().any(|l| l.origin == TextOrigin::TextLayer)
}

pub(crate) fn blocks(page: &PageText) -> Vec<Block> {
    let regions = &page.regions;
    let reads: Vec<Option<TableRead>> = (0..regions.len())
        .map(|i| (regions[i].category == Category::Table).then(|| read_table(page, i)))
        .collect();
    let live: Vec<bool> = reads.iter().map(|r| !matches!(r, Some(TableRead::Text))).collect();
    let mut kept = keep_regions(regions, &live);
    kept.retain(|&i| !is_page_photo(&regions[i], page));
    let in_table = |i: usize| {
        kept.iter().any(|&t| {
            regions[t].category == Category::Table
                && contained(&regions[i].bbox, &regions[t].bbox) >= LINE_IN_REGION
        })
    };
    let dropped: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&i| regions[i].category == Category::Caption && in_table(i) && !labelled(page, &regions[i]))
        .collect();
    kept.retain(|i| !dropped.contains(i));
    let mut lines_in: Vec<Vec<&TextLine>> = vec![Vec::new(); regions.len()];
    let mut loose: Vec<&TextLine> = Vec::new();
    for l in page.lines.iter().filter(|l| !l.text.trim().is_empty()) {
        match region_of(&l.bbox, regions, &kept) {
            // Text above or below a table of aligned words is no part of it.
            Some(i) if matches!(&reads[i], Some(TableRead::Part(_, b)) if !level_within(&l.bbox, b)) => {
                loose.push(l)
            }
            Some(i) => lines_in[i].push(l),
            None => loose.push(l),
        }
    }
    merge_interleaved(regions, &mut kept, &mut lines_in);
    let mut records = vec![false; regions.len()];
    // Text outside every region is not lost: it becomes paragraphs, which
    // take part in the value columns with the regions (a receipt's amounts
    // outside every region, level with a label inside one).
    let mut loose_paragraphs = crate::paragraphs::groups(&loose);
    merge_value_columns(&mut Both(
        &mut KeptRegions { regions, kept: &mut kept, lines_in: &mut lines_in, records: &mut records },
        &mut loose_paragraphs,
    ));
    // A paragraph region of short rows, a label and its entry on each
    // ("Date  14 October 2026"), is a form's: its rows read one a line.
    for &i in &kept {
        if regions[i].category == Category::Paragraph && crate::columns::is_record_block(&lines_in[i]) {
            records[i] = true;
        }
    }
    let body_font = crate::text::body_font(&page.lines);

    let mut out: Vec<Block> = Vec::new();
    for &i in &kept {
        let r = &regions[i];
        let lines = &lines_in[i];
        // A figure that is lines of text (a form the layout model took for
        // a picture) is read as text: its words are the content, and an
        // image would hide them from the Markdown and the HTML.
        let read_as = if matches!(r.category, Category::Figure | Category::Chart)
            && figure_is_text(&r.bbox, lines)
            && !pictures_text(page, lines)
        {
            Category::Paragraph
        } else {
            r.category
        };
        // A heading given values is a label of a record ("SUBTOTAL 16.30").
        let category =
            if records[i] && read_as == Category::Heading1 { Category::Paragraph } else { read_as };
        let mut block = Block { category, bbox: r.bbox, ..Block::default() };
        let formula = page.formulas.iter().find(|(k, _)| *k == i).map(|(_, latex)| latex);
        match read_as {
            Category::Table => {
                let structure = match &reads[i] {
                    Some(TableRead::Structure(t)) => Some(t),
                    Some(TableRead::Part(t, bbox)) => {
                        block.bbox = *bbox;
                        Some(t)
                    }
                    _ => None,
                };
                if let Some(t) = structure {
                    let mut t = t.clone();
                    let owned = table_words(page, &t, lines);
                    let words: Vec<&TextLine> = owned.iter().collect();
                    crate::tables::unspan_figures(&mut t, &words);
                    crate::tables::split_merged_columns(&mut t, &words);
                    crate::fill_table(&mut t, &words);
                    crate::tables::split_spanning_pieces(&mut t, &words);
                    crate::tables::trim_empty(&mut t);
                    crate::tables::drop_spanned_columns(&mut t);
                    if let Some(parts) =
                        crate::tables::side_by_side(&t, &block.bbox, &words, lines, &page.lines)
                    {
                        out.extend(parts.into_iter().flat_map(table_part));
                        continue;
                    }
                    block.text = finish_table(&mut t);
                    block.table = Some(t);
                } else {
                    block.text = rows(lines).join("\n");
                }
            }
            Category::Equation if !lines.is_empty() && formula.is_some() => {
                // Read as LaTeX: the recogniser saw the whole region, the
                // lines in it are the same formula as text. A region whose
                // lines all went to another (a box inside a running head)
                // is no equation of its own.
                block.bbox = lines.iter().map(|l| l.bbox).fold(r.bbox, |a, b| a.union(&b));
                block.text = formula.cloned().unwrap_or_default();
            }
            Category::Figure | Category::Chart => {
                block.image = page.images.iter().find(|(k, _)| *k == i).map(|(_, img)| img.clone());
                block.text = parasol_doc::script::join(rows(lines).iter().map(String::as_str));
            }
            _ => {
                block.bbox = text_box(&r.bbox, lines);
                match pieces::split(&block, lines, body_font) {
                    Some(pieces) => {
                        for (piece, piece_lines) in pieces {
                            out.extend(read_text(
                                piece,
                                &piece_lines,
                                records[i],
                                body_font,
                                page.info.height,
                            ));
                        }
                    }
                    None => out.extend(read_text(block, lines, records[i], body_font, page.info.height)),
                }
                continue;
            }
        }
        out.push(block);
    }
    out.extend(crate::paragraphs::finish(loose_paragraphs, body_font, Some(page.info.height)));
    crate::paragraphs::join_continued(&mut out, body_font);
    furniture_in_the_body(&mut out);
    order(out, crate::text::is_vertical_text(&page.lines))
}

/// A table's last touches, its header rows marked and a right-to-left
/// table's columns mirrored; its text, the cells' joined.
fn finish_table(table: &mut parasol_doc::Table) -> String {
    crate::tables::mark_header_rows(table);
    crate::tables::right_to_left(table);
    parasol_doc::script::join(table.cells.iter().map(|c| c.text.as_str()).filter(|s| !s.is_empty()))
}

/// The blocks of one of the tables side by side a table region held: its
/// caption, when read inside the region, and the table.
fn table_part(part: crate::tables::Part) -> Vec<Block> {
    let crate::tables::Part { mut table, bbox, caption } = part;
    let text = finish_table(&mut table);
    let caption = caption.map(|l| Block {
        category: Category::Caption,
        bbox: l.bbox,
        text: l.text,
        ..Block::default()
    });
    caption
        .into_iter()
        .chain([Block { category: Category::Table, bbox, text, table: Some(table), ..Block::default() }])
        .collect()
}

/// The box of a text region's block: the region's box, but above and below
/// its `lines` only where it reaches less than a line's height past them. A layout model's box may take in lines that went to another
/// region (a table the words' grid found in it, a row boxed twice); the
/// block stands where its own text is, so that it is read in its place (a
/// caption above its table, a contents entry under the one before it).
fn text_box(region: &BBox, lines: &[&TextLine]) -> BBox {
    let Some(first) = lines.first() else {
        return *region;
    };
    let own = lines.iter().skip(1).fold(first.bbox, |a, l| a.union(&l.bbox));
    let reach = median(lines.iter().map(|l| l.bbox.height()).collect());
    let side = |r: f32, o: f32| if (r - o).abs() < reach { r } else { o };
    BBox::new(
        region.x0.min(own.x0),
        side(region.y0, own.y0).min(own.y0),
        region.x1.max(own.x1),
        side(region.y1, own.y1).max(own.y1),
    )
}

/// Running heads and feet stand beyond the body. A "header" with text of
/// the body above it (overlapping it side to side) is no running head: a
/// paragraph when the body goes on below it too (a subtitle under a
/// page's title), else the page's footer. Likewise a "footer" with the
/// body below it is a paragraph (a letter's date set right, high on the
/// page) or, with nothing of the body above it, a header.
fn furniture_in_the_body(blocks: &mut [Block]) {
    // A page number the layout model left unlabelled is furniture too
    // (`page_numbers_are_furniture` labels it later).
    let body = |b: &Block| {
        !matches!(
            b.category,
            Category::Header | Category::Footer | Category::Footnote | Category::Figure | Category::Chart
        ) && !b.text.trim().is_empty()
            && !crate::text::is_page_number(&b.text)
    };
    for i in 0..blocks.len() {
        let b = &blocks[i];
        if !matches!(b.category, Category::Header | Category::Footer) {
            continue;
        }
        let beside = |o: &Block| body(o) && horizontal_overlap(&o.bbox, &b.bbox) > 0.0;
        let above = blocks.iter().any(|o| beside(o) && o.bbox.y1 <= b.bbox.y0);
        let below = blocks.iter().any(|o| beside(o) && o.bbox.y0 >= b.bbox.y1);
        let category = match (b.category, above, below) {
            (_, true, true) => Category::Paragraph,
            (Category::Header, true, false) => Category::Footer,
            (Category::Footer, false, true) => Category::Header,
            _ => continue,
        };
        blocks[i].category = category;
    }
}

/// The blocks a text region's `lines` read as: `block` refined by the
/// text's cues ([`refine`]) and, for a paragraph of numbered clauses, one
/// per clause; none without text. A `record` region's rows (a label and its
/// value each) and rows ending in a price ([`is_priced_rows`]) keep their
/// lines.
fn read_text(mut block: Block, lines: &[&TextLine], record: bool, body_font: f32, page_h: f32) -> Vec<Block> {
    let rs = rows(lines);
    if rs.is_empty() {
        return Vec::new();
    }
    block.bbox = lines.iter().map(|l| l.bbox).fold(block.bbox, |a, b| a.union(&b));
    if block.category == Category::Equation && crate::reads_as_prose(rs.iter().map(String::as_str)) {
        // A caption or a line of text taken for an equation.
        block.category = Category::Paragraph;
    }
    refine(&mut block, &rs, lines, body_font, page_h);
    // A heading whose row ends in a price is an item, not a heading.
    let priced_heading = block.category == Category::Heading1 && priced_row_count(lines) > 0;
    let record = record || is_priced_rows(lines) || priced_heading;
    if record && block.category == Category::Heading1 {
        block.category = Category::Paragraph;
    }
    block.text = match block.category {
        Category::List if !record => list_text(&rs),
        Category::Index => rs.join("\n"),
        _ if record => rs.join("\n"),
        _ => join_lines(rs.iter().map(String::as_str)),
    };
    if block.category == Category::Paragraph && !record {
        if let Some(clauses) = clauses(&block, &rs, lines) {
            return clauses;
        }
    }
    vec![block]
}

/// Least rows of a block ending in a price, for its rows to be kept apart.
const PRICED_MIN_ROWS: usize = 2;

/// A gap of at least this many line heights sets a row's price apart.
const PRICE_GAP_HEIGHTS: f32 = 1.5;

/// Whether `lines` are rows of items and their prices: [`PRICED_MIN_ROWS`]
/// rows or more end in a short number set apart by a wide gap (a menu's or
/// a price list's leader, drawn rather than written); each row is then read
/// as its own line, not run into a paragraph.
fn is_priced_rows(lines: &[&TextLine]) -> bool {
    priced_row_count(lines) >= PRICED_MIN_ROWS
}

/// How many rows of `lines` end in a short number set apart by a wide gap
/// ([`is_priced_rows`]).
fn priced_row_count(lines: &[&TextLine]) -> usize {
    if crate::text::is_vertical_text(lines.iter().copied()) {
        return 0;
    }
    crate::text::row_groups(lines)
        .iter()
        .filter(|row| match row.as_slice() {
            [.., before, last] => {
                crate::columns::is_number(&last.text)
                    && !crate::columns::is_number(&before.text)
                    && last.bbox.x0 - before.bbox.x1 >= PRICE_GAP_HEIGHTS * last.bbox.height()
            }
            _ => false,
        })
        .count()
}

/// A paragraph block of numbered clauses ("2.1 …", "2.2 …") cut into one
/// paragraph per clause ([`crate::text::clause_starts`]), each with the
/// box of its own lines; `None` when it is one paragraph.
fn clauses(block: &Block, rows: &[String], lines: &[&TextLine]) -> Option<Vec<Block>> {
    let starts = crate::text::clause_starts(rows);
    let groups = crate::text::row_groups(lines);
    if starts.is_empty() || groups.len() != rows.len() || crate::text::is_vertical_text(lines.iter().copied())
    {
        return None;
    }
    let bounds: Vec<usize> = std::iter::once(0).chain(starts).chain(std::iter::once(rows.len())).collect();
    let pieces = bounds
        .windows(2)
        .filter_map(|w| {
            let bbox = groups[w[0]..w[1]].iter().flatten().map(|l| l.bbox).reduce(|a, b| a.union(&b))?;
            let text = join_lines(rows[w[0]..w[1]].iter().map(String::as_str));
            Some(Block { bbox, text, ..block.clone() })
        })
        .collect();
    Some(pieces)
}

/// Fewest rows of text in a figure that reads as text ([`figure_is_text`]).
const TEXT_FIGURE_MIN_ROWS: usize = 5;

/// Fewest words in it.
const TEXT_FIGURE_MIN_WORDS: usize = 15;

/// Least share of its words that are words (two letters or more), not
/// numbers or marks: a chart's axes are mostly numbers.
const TEXT_FIGURE_WORD_SHARE: f32 = 0.6;

/// Least share of the figure's area its lines of text cover: a diagram's
/// or a chart's labels are sparse, a form's or a page's lines are not.
const TEXT_FIGURE_COVER: f32 = 0.12;

/// Whether a figure region (not dense enough with text to be a page photo,
/// [`is_page_photo`], whose text is read as the page's) holds lines of
/// text rather than a picture with labels, and is read as a paragraph: [`TEXT_FIGURE_MIN_ROWS`] rows and [`TEXT_FIGURE_MIN_WORDS`]
/// words or more, mostly words ([`TEXT_FIGURE_WORD_SHARE`]), covering
/// [`TEXT_FIGURE_COVER`] of its area.
fn figure_is_text(area: &BBox, lines: &[&TextLine]) -> bool {
    let area_px = area.width() * area.height();
    if rows(lines).len() < TEXT_FIGURE_MIN_ROWS || area_px <= 0.0 {
        return false;
    }
    let words: Vec<&str> = lines.iter().flat_map(|l| l.text.split_whitespace()).collect();
    let wordy = words.iter().filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2).count();
    let covered: f32 =
        lines.iter().filter_map(|l| l.bbox.intersection(area)).map(|b| b.width() * b.height()).sum();
    words.len() >= TEXT_FIGURE_MIN_WORDS
        && wordy as f32 >= TEXT_FIGURE_WORD_SHARE * words.len() as f32
        && covered >= TEXT_FIGURE_COVER * area_px
}

/// Joins paragraph regions whose lines interleave: a line of one lies
/// between two lines of the other that overlap it side to side. Text that
/// wraps round a floated box is one paragraph the layout model may box
/// twice (its narrow lines beside the box, its full-width lines below),
/// and either box may take a line of the other; no order of the two boxes
/// reads it right, one paragraph of their lines top to bottom does.
/// Regions that share a line are joined too: a line of one lies in the
/// other's box ([`LINE_IN_REGION`]) beside a line of that one (a model's
/// two boxes over one run of paragraphs, overlapping, cut it mid-paragraph
/// where either ends); the joined region is cut again at its paragraph
/// breaks ([`pieces::split`]). Columns side by side never overlap, so they
/// never join.
fn merge_interleaved(regions: &[Region], kept: &mut Vec<usize>, lines_in: &mut [Vec<&TextLine>]) {
    let paragraphs: Vec<usize> =
        kept.iter().copied().filter(|&i| regions[i].category == Category::Paragraph).collect();
    let between = |a: &[&TextLine], b: &[&TextLine]| {
        b.iter().any(|l| {
            let y = l.bbox.center()[1];
            let beside = |o: &&&TextLine| horizontal_overlap(&o.bbox, &l.bbox) > 0.0;
            a.iter().filter(beside).any(|o| o.bbox.center()[1] < y)
                && a.iter().filter(beside).any(|o| o.bbox.center()[1] > y)
        })
    };
    let shared = |a: usize, b: usize| {
        lines_in[b].iter().any(|l| {
            contained(&l.bbox, &regions[a].bbox) >= LINE_IN_REGION
                && lines_in[a].iter().any(|o| horizontal_overlap(&o.bbox, &l.bbox) > 0.0)
        })
    };
    // Each region joins the first one it interleaves with, judged on the
    // regions' own lines, so a join never makes a third region interleave.
    let mut into: Vec<Option<usize>> = vec![None; regions.len()];
    for (n, &b) in paragraphs.iter().enumerate() {
        into[b] = paragraphs[..n].iter().copied().find(|&a| {
            between(&lines_in[a], &lines_in[b])
                || between(&lines_in[b], &lines_in[a])
                || shared(a, b)
                || shared(b, a)
        });
    }
    for &b in paragraphs.iter().rev() {
        if let Some(mut a) = into[b] {
            while let Some(up) = into[a] {
                a = up;
            }
            let moved = std::mem::take(&mut lines_in[b]);
            lines_in[a].extend(moved);
            lines_in[a].sort_by(|x, y| x.bbox.y0.total_cmp(&y.bbox.y0));
        }
    }
    kept.retain(|&i| into[i].is_none());
}

/// Whether `line`'s vertical centre lies within `area`'s height.
fn level_within(line: &BBox, area: &BBox) -> bool {
    let y = line.center()[1];
    area.y0 <= y && y <= area.y1
}

/// The kept regions of a page with their lines, for [`merge_value_columns`]:
/// only paragraphs and lists are running text.
struct KeptRegions<'p, 'l> {
    regions: &'p [Region],
    kept: &'p mut Vec<usize>,
    lines_in: &'p mut [Vec<&'l TextLine>],
    /// Regions whose rows are records, a label and its value each: one line each.
    records: &'p mut [bool],
}

impl<'l> TextBlocks<'l> for KeptRegions<'_, 'l> {
    fn count(&self) -> usize {
        self.kept.len()
    }

    fn text_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        let k = self.kept[i];
        let r = &self.regions[k];
        matches!(r.category, Category::Paragraph | Category::List)
            .then(|| (&r.bbox, self.lines_in[k].as_slice()))
    }

    fn label_block(&self, i: usize) -> Option<(&BBox, &[&'l TextLine])> {
        let k = self.kept[i];
        let r = &self.regions[k];
        matches!(r.category, Category::Paragraph | Category::List | Category::Heading1)
            .then(|| (&r.bbox, self.lines_in[k].as_slice()))
    }

    fn take(&mut self, i: usize) -> Vec<&'l TextLine> {
        let lines = std::mem::take(&mut self.lines_in[self.kept[i]]);
        self.kept.remove(i);
        lines
    }

    fn push_record(&mut self, i: usize, line: &'l TextLine) {
        self.lines_in[self.kept[i]].push(line);
        self.records[self.kept[i]] = true;
    }
}

/// How many times the body's font size a page header's type must be for
/// it to be a title, by a text layer's sizes or OCR's box heights.
fn title_ratio(ocr: bool) -> f32 {
    if ocr {
        OCR_HEADER_TITLE_FONT_RATIO
    } else {
        HEADER_TITLE_FONT_RATIO
    }
}

/// Text cues the layout model cannot see: bullets make lists, small
/// numbered notes at the page bottom are footnotes, short large text is a
/// heading, entries with leaders and page numbers a table of contents.
fn refine(block: &mut Block, rows: &[String], lines: &[&TextLine], body_font: f32, page_h: f32) {
    let font = median(lines.iter().map(|l| l.font_size).collect());
    let first = rows.first().map(String::as_str).unwrap_or("");
    // A layout model may take a caption, set apart in bold, for a title
    // or, at a page's top, for a running head.
    if matches!(block.category, Category::Paragraph | Category::List | Category::Heading1 | Category::Header)
        && is_caption_start(first)
    {
        block.category = Category::Caption;
        return;
    }
    if matches!(block.category, Category::Paragraph | Category::List | Category::Heading1) && is_index(rows) {
        block.category = Category::Index;
        return;
    }
    // A layout model may take a lead paragraph, set apart, for a title: a
    // "heading" of sentences is a paragraph.
    if block.category == Category::Heading1 && (crate::text::is_sentences(rows) || crate::text::goes_on(rows))
    {
        block.category = Category::Paragraph;
        return;
    }
    // A question with its options' tick boxes ("3. Was it ready? ☐ Yes
    // ☐ No") set in bold is no heading: it reads on as the others do.
    if block.category == Category::Heading1 && rows.iter().any(|r| crate::text::has_tick_box(r)) {
        block.category = Category::Paragraph;
    }
    let ocr = crate::text::is_ocr(lines.iter().copied());
    // A "header" or a "caption" in type well above the body's is the
    // page's title, not a running head or a caption: a one-page report's
    // at its top edge (it must stay when headers are dropped, and head the
    // sections below it), a form's centred over its first table (captions
    // are set in the body's type or smaller; a labelled one returned above).
    let title = match block.category {
        Category::Header => rows.len() == 1,
        Category::Caption => rows.len() <= 2 && !crate::text::is_sentences(rows),
        _ => false,
    };
    if title && body_font > 0.0 && font >= title_ratio(ocr) * body_font {
        block.category = Category::Heading1;
        return;
    }
    // A note at the page's foot in small type is a footnote, though its
    // mark is a list's bullet too ("* Corresponding author: …") and the
    // layout model called it a list.
    if matches!(block.category, Category::Paragraph | Category::List)
        && crate::text::opens_with_note_symbol(first)
        && crate::text::is_footnote(first, block.bbox.y0, font, body_font, page_h)
    {
        block.category = Category::Footnote;
        return;
    }
    if block.category != Category::Paragraph {
        return;
    }
    // "3. Priorities for 2026" alone on its line, larger than the body, is
    // a numbered heading; a bullet always starts a list item.
    let numbered_heading = rows.len() == 1
        && first.trim_start().starts_with(|c: char| c.is_alphanumeric() || c == '(')
        && is_heading(rows, font, body_font, ocr);
    if is_list_item(first) && !numbered_heading {
        block.category = Category::List;
    } else if crate::text::is_footnote(first, block.bbox.y0, font, body_font, page_h) {
        block.category = Category::Footnote;
    } else if is_heading(rows, font, body_font, ocr) {
        block.category = Category::Heading1;
    }
}

/// Headers first (in the script's direction), the body by XY-cut, then
/// footnotes and footers; each caption moves next to the table or figure it
/// describes, before it when above it. On a page of `vertical` writing, as in right-to-left text,
/// side-by-side blocks are read from the right.
fn order(blocks: Vec<Block>, vertical: bool) -> Vec<Block> {
    let idx = |cat: &[Category]| -> Vec<usize> {
        (0..blocks.len()).filter(|&i| cat.contains(&blocks[i].category)).collect()
    };
    let rtl = vertical || crate::text::is_rtl(blocks.iter().map(|b| b.text.as_str()));
    // Blocks as the page reads them: side by side in the script's
    // direction, one under another top down.
    let read = |of: Vec<usize>| -> Vec<usize> {
        let boxes: Vec<BBox> = of.iter().map(|&i| blocks[i].bbox).collect();
        crate::xy_cut_dir(&boxes, rtl).into_iter().map(|k| of[k]).collect()
    };
    let mut headers = idx(&[Category::Header]);
    // A body block level with a header and above the rest of the body is
    // read in the header's row (a fax line split into regions, one of them
    // a header: "09/17/97 10:55", "LORILLARD PTLD", "001").
    let header_row: Vec<usize> = (0..blocks.len())
        .filter(|&i| !matches!(blocks[i].category, Category::Header | Category::Footer | Category::Footnote))
        .filter(|&i| headers.iter().any(|&h| crate::text::level(&blocks[h].bbox, &blocks[i].bbox)))
        .filter(|&i| {
            (0..blocks.len()).all(|j| {
                j == i
                    || matches!(blocks[j].category, Category::Header | Category::Footer | Category::Footnote)
                    || blocks[j].bbox.y0 >= blocks[i].bbox.y1
                    || headers.iter().any(|&h| crate::text::level(&blocks[h].bbox, &blocks[j].bbox))
            })
        })
        .collect();
    headers.extend(header_row);
    let headers = read(headers);
    // Footnotes, then footers. A body block level with a footer and below
    // the rest of the body is read in the footer's row (a datasheet's
    // "Specifications subject to change" beside its footer).
    let mut footers = idx(&[Category::Footer]);
    let footer_row: Vec<usize> = (0..blocks.len())
        .filter(|&i| !matches!(blocks[i].category, Category::Header | Category::Footer | Category::Footnote))
        .filter(|&i| !headers.contains(&i))
        .filter(|&i| footers.iter().any(|&f| crate::text::level(&blocks[f].bbox, &blocks[i].bbox)))
        .filter(|&i| {
            (0..blocks.len()).all(|j| {
                j == i
                    || matches!(blocks[j].category, Category::Header | Category::Footer | Category::Footnote)
                    || blocks[j].bbox.y1 <= blocks[i].bbox.y0
                    || footers.iter().any(|&f| crate::text::level(&blocks[f].bbox, &blocks[j].bbox))
            })
        })
        .collect();
    footers.extend(footer_row);
    let tail: Vec<usize> = read(idx(&[Category::Footnote])).into_iter().chain(read(footers)).collect();
    let body: Vec<usize> = (0..blocks.len()).filter(|i| !headers.contains(i) && !tail.contains(i)).collect();
    let boxes: Vec<BBox> = body.iter().map(|&i| blocks[i].bbox).collect();
    let mut body_order: Vec<usize> = crate::xy_cut_dir(&boxes, rtl).into_iter().map(|k| body[k]).collect();

    // Link captions to the nearest table or figure above or below them.
    let mut links: Vec<(usize, usize)> = Vec::new();
    for &c in body_order.iter().filter(|&&i| blocks[i].category == Category::Caption) {
        let cb = blocks[c].bbox;
        let target = body_order
            .iter()
            .copied()
            .filter(|&t| is_container(blocks[t].category) && !links.iter().any(|&(_, lt)| lt == t))
            .filter(|&t| horizontal_overlap(&blocks[t].bbox, &cb) > CAPTION_OVERLAP)
            .map(|t| {
                let tb = blocks[t].bbox;
                let gap = if cb.y0 >= tb.y1 {
                    cb.y0 - tb.y1
                } else if tb.y0 >= cb.y1 {
                    tb.y0 - cb.y1
                } else {
                    0.0
                };
                (t, gap)
            })
            .filter(|&(_, gap)| gap < CAPTION_MAX_GAP * cb.height().max(CAPTION_MIN_HEIGHT))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((t, _)) = target {
            links.push((c, t));
        }
    }
    // A caption above its table or figure is read before it, one below after.
    for &(c, t) in &links {
        body_order.retain(|&i| i != c);
        if let Some(pos) = body_order.iter().position(|&i| i == t) {
            let above = blocks[c].bbox.center()[1] < blocks[t].bbox.y0;
            body_order.insert(if above { pos } else { pos + 1 }, c);
        }
    }

    let order: Vec<usize> = headers.into_iter().chain(body_order).chain(tail).collect();
    let mut blocks = blocks;
    // A figure's alternative text is its caption, else the words read in
    // it (a pasted photo of a receipt): the HTML and the Markdown show
    // only the image and its alternative text.
    for b in blocks.iter_mut() {
        if let Some(img) = b.image.as_mut() {
            img.alt = b.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    for &(c, t) in &links {
        let caption = blocks[c].text.clone();
        if let Some(img) = blocks[t].image.as_mut() {
            img.alt = caption;
        }
    }
    let mut slots: Vec<Option<Block>> = blocks.into_iter().map(Some).collect();
    let pos_of = |i: usize| order.iter().position(|&k| k == i);
    let mut out = Vec::with_capacity(order.len());
    for &i in &order {
        if let Some(mut b) = slots[i].take() {
            b.caption = links.iter().find(|&&(_, t)| t == i).and_then(|&(c, _)| pos_of(c));
            out.push(b);
        }
    }
    out
}

mod pieces;
mod table_read;

use table_read::{read_table, table_words, TableRead};

#[cfg(test)]
mod tests;
