//! `qa`: questions about corpus documents, answered by `parasol ask`'s own
//! path ([`parasol_qa::ask`]) with each installed chat model, beside the
//! baseline a user would otherwise assemble (`pdftotext` text in fixed-size
//! chunks, BM25, the same model through llama.cpp: `scripts/qa/baseline.py`,
//! whose outputs are read from the peers directory).
//!
//! The questions (`crates/eval/data/qa/questions.jsonl`, described in its
//! `README.md`) carry gold answers, the gold page and a short evidence span
//! taken from the documents themselves, never from Parasol's parse. Every
//! system is scored from the same [`Outcome`] by the same functions:
//! - retrieval hit@k: a passage given to the model is on the gold page and
//!   holds a gold answer or the evidence span;
//! - answer accuracy: a gold answer is contained in the answer;
//! - citation accuracy: a cited passage is on the gold page;
//! - cited evidence: a passage the answer cites holds a gold answer (the
//!   box a viewer highlights is the evidence, not only on its page);
//! - abstention: on questions the document cannot answer, the answer says so;
//! - time to first token and total time per question.
//!
//! Text is compared after NFKC, lower-casing and whitespace collapsing
//! (evidence spans with whitespace removed, since line breaks and
//! hyphenation differ between extractors).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use parasol_models::{ChatModel, ModelFile, ModelStore};
use parasol_qa::{Embedder, Index, Passage, Settings};
use parasol_solar::Generator;
use serde::{Deserialize, Serialize};

use crate::report::{Cell, Report, Table};
use crate::suites::{Context, Request};
use crate::EvalError;

/// Which question set a run asks. Both are compiled in, so a run cannot
/// pick up a stray copy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum QaSet {
    /// `questions.jsonl`: the development set (the judge's threshold was
    /// chosen on its unanswerable questions).
    #[default]
    Main,
    /// `heldout.jsonl`: written after every setting was fixed, over other
    /// documents; for measuring only, never for tuning.
    Heldout,
}

impl QaSet {
    fn file(self) -> &'static str {
        match self {
            QaSet::Main => "questions.jsonl",
            QaSet::Heldout => "heldout.jsonl",
        }
    }

    fn text(self) -> &'static str {
        match self {
            QaSet::Main => include_str!("../../data/qa/questions.jsonl"),
            QaSet::Heldout => include_str!("../../data/qa/heldout.jsonl"),
        }
    }

    /// How the set's dumps are told apart in the scratch and peers
    /// directories (the main set's names are unprefixed, as before).
    fn prefix(self) -> &'static str {
        match self {
            QaSet::Main => "",
            QaSet::Heldout => "heldout-",
        }
    }
}

/// One question with its gold answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Question {
    pub id: String,
    /// Corpus-relative path of the document.
    pub doc: String,
    pub lang: String,
    /// `text`, `table`, `list`, `section` or `unanswerable`.
    pub kind: String,
    pub question: String,
    /// Gold answers (any one counts); empty when the document cannot answer.
    pub answers: Vec<String>,
    /// 1-based gold page; `None` when the document cannot answer.
    pub page: Option<usize>,
    pub evidence: Option<String>,
}

impl Question {
    pub fn answerable(&self) -> bool {
        !self.answers.is_empty()
    }
}

/// The questions of a set.
pub fn questions(set: QaSet) -> Result<Vec<Question>, EvalError> {
    set.text()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| EvalError::Truth {
                path: Path::new("crates/eval/data/qa").join(set.file()),
                reason: format!("line {}: {e}", i + 1),
            })
        })
        .collect()
}

/// A passage as given to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenPassage {
    pub page: usize,
    pub text: String,
}

/// What one system did with one question: the form every system is scored
/// from (the baseline script writes it as JSON lines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub id: String,
    pub answer: String,
    /// Passages given to the model, in prompt order.
    pub passages: Vec<GivenPassage>,
    /// Pages of the passages the answer cites.
    pub cited_pages: Vec<usize>,
    /// The passages its citations point at (1-based, in `passages`); when
    /// empty (the baseline, older runs), its `[n]` markers stand for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cited_passages: Vec<usize>,
    #[serde(default)]
    pub ttft_s: Option<f64>,
    #[serde(default)]
    pub total_s: Option<f64>,
    #[serde(default)]
    pub error: Option<String>,
    /// The model's log-odds that the passages answer the question
    /// ([`parasol_qa::judge::support`]); absent in runs made before the judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<f32>,
}

pub use parasol_qa::cite::{abstains, markers, normalise, unsupported};
use parasol_qa::prompt::ABSTENTION;

fn squeezed(s: &str) -> String {
    normalise(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The scores of one outcome (`None` where a measure does not apply).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub hit: Option<bool>,
    pub correct: Option<bool>,
    pub cited: Option<bool>,
    /// A passage the answer cites (its `[n]`) holds a gold answer: the
    /// citation points at the evidence, not only at its page.
    pub evidence: Option<bool>,
    pub abstained: Option<bool>,
}

pub fn score(q: &Question, o: &Outcome) -> Scores {
    if !q.answerable() {
        return Scores { abstained: Some(abstains(&o.answer)), ..Scores::default() };
    }
    let answers: Vec<String> = q.answers.iter().map(|a| normalise(a)).collect();
    let evidence = q.evidence.as_deref().map(squeezed).filter(|e| !e.is_empty());
    let page = q.page;
    let hit = o.passages.iter().any(|p| {
        let on_page = page.is_none_or(|g| g == p.page);
        let text = normalise(&p.text);
        let squeezed_text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        on_page
            && (answers.iter().any(|a| text.contains(a.as_str()))
                || evidence.as_ref().is_some_and(|e| squeezed_text.contains(e.as_str())))
    });
    let answer = normalise(&o.answer);
    let correct = !abstains(&o.answer) && answers.iter().any(|a| answer.contains(a.as_str()));
    let cited = page.is_some_and(|g| o.cited_pages.contains(&g));
    let pointed = if o.cited_passages.is_empty() { markers(&o.answer) } else { o.cited_passages.clone() };
    let evidence = pointed.into_iter().filter_map(|n| o.passages.get(n.checked_sub(1)?)).any(|p| {
        let text = normalise(&p.text);
        answers.iter().any(|a| text.contains(a.as_str()))
    });
    Scores {
        hit: Some(hit),
        correct: Some(correct),
        cited: Some(cited),
        evidence: Some(evidence),
        abstained: None,
    }
}

/// Sums over a slice of the questions.
#[derive(Debug, Clone, Default)]
struct Totals {
    answerable: usize,
    hits: usize,
    correct: usize,
    cited: usize,
    evidence: usize,
    unanswerable: usize,
    abstained: usize,
    ttft: Vec<f64>,
    total: Vec<f64>,
    errors: usize,
}

impl Totals {
    fn add(&mut self, s: &Scores, o: &Outcome) {
        if let Some(hit) = s.hit {
            self.answerable += 1;
            self.hits += usize::from(hit);
            self.correct += usize::from(s.correct == Some(true));
            self.cited += usize::from(s.cited == Some(true));
            self.evidence += usize::from(s.evidence == Some(true));
        }
        if let Some(a) = s.abstained {
            self.unanswerable += 1;
            self.abstained += usize::from(a);
        }
        self.ttft.extend(o.ttft_s);
        self.total.extend(o.total_s);
        self.errors += usize::from(o.error.is_some());
    }

    fn rate(n: usize, of: usize) -> Cell {
        if of == 0 {
            Cell::text("–")
        } else {
            Cell::num(n as f64 / of as f64, 2)
        }
    }

    fn row(&self, system: &str, slice: &str) -> Vec<Cell> {
        vec![
            Cell::text(system),
            Cell::text(slice),
            Cell::text(format!("{}/{}", self.answerable, self.unanswerable)),
            Totals::rate(self.hits, self.answerable),
            Totals::rate(self.correct, self.answerable),
            Totals::rate(self.cited, self.answerable),
            Totals::rate(self.evidence, self.answerable),
            Totals::rate(self.abstained, self.unanswerable),
            Cell::opt(median(&self.ttft), 2),
            Cell::opt(mean(&self.total), 2),
            Cell::num(self.errors as f64, 0),
        ]
    }
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| v[v.len() / 2])
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The slices a question counts in.
fn slices(q: &Question) -> Vec<String> {
    let mut s = vec!["all".to_owned()];
    if q.answerable() {
        s.push(q.kind.clone());
    }
    if q.lang != "en" {
        s.push(format!("lang {}", q.lang));
    }
    s
}

/// Where the baseline writes its outcomes on `set` with the chat model
/// called `name` (`retrieval`: `--retrieval-only`, no model).
pub fn baseline_path(peers: &Path, set: QaSet, name: &str) -> std::path::PathBuf {
    peers.join("qa").join(format!("{}baseline-{name}.jsonl", set.prefix()))
}

fn load_outcomes(path: &Path) -> Result<Option<BTreeMap<String, Outcome>>, EvalError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = crate::read_to_string(path)?;
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let o: Outcome = serde_json::from_str(line).map_err(|e| EvalError::Truth {
            path: path.to_owned(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        out.insert(o.id.clone(), o);
    }
    Ok(Some(out))
}

/// Runs every question through Parasol with `model`, or only its
/// retrieval and prompt (no answer) without one.
fn run_parasol(
    ctx: &Context<'_>,
    embedder: &Arc<Embedder>,
    model: Option<ChatModel>,
    questions: &[Question],
    report: &mut Report,
) -> Result<BTreeMap<String, Outcome>, EvalError> {
    let mut out = BTreeMap::new();
    let name = model.map_or("retrieval", ChatModel::name);
    let dump = ctx.paths.scratch.join("qa").join(format!("{}parasol-{name}.jsonl", ctx.qa_set.prefix()));
    let mut generator = match model.map(|m| ModelStore::new(&ctx.paths.models).require(m.file())) {
        None => None,
        Some(Err(missing)) => {
            report.notes.push(format!("parasol-{name} not run: {missing}"));
            return Ok(out);
        }
        Some(Ok(path)) => match Generator::load(&path) {
            Ok(g) => Some(g),
            Err(e) => {
                report.failures.push(format!("cannot load {}: {e}", path.display()));
                return Ok(out);
            }
        },
    };
    if ctx.qa_rescore {
        let judge = model.and_then(ChatModel::judge_threshold);
        return rescore(
            ctx,
            &dump,
            generator.as_mut().filter(|_| judge.is_some()),
            judge,
            questions,
            report,
            name,
        );
    }
    let settings = Settings { judge: model.and_then(ChatModel::judge_threshold), ..Settings::default() };
    let mut by_doc: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
    for q in questions {
        by_doc.entry(q.doc.as_str()).or_default().push(q);
    }
    let mut indexing = Vec::new();
    for (doc, qs) in by_doc {
        (ctx.progress)(&format!("qa {name}: {doc}"));
        let conversion = match ctx.converter.convert(&ctx.paths.corpus.join(doc), &Request::default()) {
            Ok(c) => c,
            Err(e) => {
                report.failures.push(format!("parasol failed on {doc}: {e}"));
                for q in qs {
                    out.insert(q.id.clone(), failed(q, format!("conversion failed: {e}")));
                }
                continue;
            }
        };
        let start = Instant::now();
        let index = Index::with_embedder(&conversion.document, embedder.clone());
        indexing.push(start.elapsed().as_secs_f64());
        for q in qs {
            (ctx.progress)(&format!("qa {name}: {} {}", q.id, q.question));
            let index = match &index {
                Ok(index) => index,
                Err(e) => {
                    out.insert(q.id.clone(), failed(q, e.to_string()));
                    continue;
                }
            };
            let Some(generator) = generator.as_mut() else {
                out.insert(q.id.clone(), retrieved(q, index, &settings));
                continue;
            };
            let asked =
                parasol_qa::ask(generator, &conversion.document, index, &[], &q.question, &settings, |_| {})
                    .map_err(|e| e.to_string());
            let outcome = match asked {
                Ok(a) => Outcome {
                    id: q.id.clone(),
                    answer: a.answer.text.clone(),
                    passages: a
                        .prompt
                        .given
                        .iter()
                        .map(|p| GivenPassage { page: p.page, text: p.text.clone() })
                        .collect(),
                    cited_pages: a.answer.citations.iter().map(|c| c.page).collect(),
                    cited_passages: cited_passages(&a),
                    ttft_s: a.first_token.map(|d| d.as_secs_f64()),
                    total_s: Some(a.total.as_secs_f64()),
                    error: None,
                    support: a.support,
                },
                Err(e) => failed(q, e),
            };
            out.insert(q.id.clone(), outcome);
            // Written as it goes, so a long run cut short still has its outcomes.
            write_outcomes(&dump, &out)?;
        }
    }
    if let Some(m) = mean(&indexing) {
        report
            .notes
            .push(format!("parasol-{name}: indexing {m:.3} s per document on average, after parsing"));
    }
    write_outcomes(&dump, &out)?;
    report.notes.push(format!("parasol-{name}: per-question outcomes in {}", dump.display()));
    Ok(out)
}

/// The given passages (1-based) that `asked`'s citations point at.
fn cited_passages(asked: &parasol_qa::Asked) -> Vec<usize> {
    let mut out = Vec::new();
    for c in &asked.answer.citations {
        if let Some(i) = asked.prompt.given.iter().position(|p| p.elements.contains(&c.element_id)) {
            if !out.contains(&(i + 1)) {
                out.push(i + 1);
            }
        }
    }
    out
}

/// The passages a question's prompt would give (a token is taken as four
/// bytes), with no answer: retrieval measured alone.
/// The answers of an earlier run (its dump), judged as `qa::ask` judges
/// them now: for a model with a judge threshold, the passages that were
/// given asked of the model again ([`parasol_qa::judge`]; once per answer,
/// the log-odds kept in the dump), and the support check on the answer
/// ([`unsupported`]). Needs only the dump and the model, not the answers
/// generated again; the dump keeps the answers as they were generated.
fn rescore(
    ctx: &Context<'_>,
    dump: &Path,
    mut generator: Option<&mut Generator>,
    judge: Option<f32>,
    questions: &[Question],
    report: &mut Report,
    name: &str,
) -> Result<BTreeMap<String, Outcome>, EvalError> {
    let mut stored = load_outcomes(dump)?.unwrap_or_default();
    stored.retain(|id, _| questions.iter().any(|q| &q.id == id));
    for q in questions {
        let (Some(g), Some(o)) = (generator.as_deref_mut(), stored.get_mut(&q.id)) else { continue };
        if o.support.is_some() || o.error.is_some() || o.passages.is_empty() {
            continue;
        }
        (ctx.progress)(&format!("qa {name}: judging {}", q.id));
        let given: Vec<Passage> = o
            .passages
            .iter()
            .enumerate()
            .map(|(i, p)| Passage {
                index: i,
                text: p.text.clone(),
                elements: Vec::new(),
                page: p.page,
                heading: None,
                table: false,
                printed: None,
            })
            .collect();
        let ranked: Vec<&Passage> = given.iter().collect();
        // Every passage that was given, in its order: the same prompt.
        let judged = parasol_qa::prompt::build(&q.question, &ranked, usize::MAX / 2, &|s: &str| s.len())
            .and_then(|p| parasol_qa::judge::support(g, &p));
        match judged {
            Ok(support) => o.support = Some(support),
            Err(e) => report.failures.push(format!("parasol-{name}: cannot judge {}: {e}", q.id)),
        }
        write_outcomes(dump, &stored)?;
    }
    let (mut judged_out, mut withheld, mut unjudged) = (0, 0, 0);
    let mut scored = stored.clone();
    for q in questions {
        let Some(o) = scored.get_mut(&q.id) else { continue };
        if o.error.is_some() || abstains(&o.answer) {
            continue;
        }
        let passages: Vec<&str> = o.passages.iter().map(|p| p.text.as_str()).collect();
        let judged_no = match (judge, o.support) {
            (Some(threshold), Some(s)) => !parasol_qa::judge::Verdict::new(s, threshold).holds,
            (Some(_), None) => {
                unjudged += 1;
                false
            }
            (None, _) => false,
        };
        if judged_no {
            judged_out += 1;
        } else if !unsupported(&q.question, &o.answer, &passages).is_empty() {
            withheld += 1;
        } else {
            continue;
        }
        o.answer = ABSTENTION.to_string();
        o.cited_pages.clear();
    }
    report.notes.push(format!(
        "parasol-{name}: {} answers of an earlier run, from {}; now {judged_out} judged not answered by their \
         passages, {withheld} withheld as unsupported; {unjudged} not judged (no model)",
        stored.len(),
        dump.display()
    ));
    Ok(scored)
}

fn retrieved(q: &Question, index: &Index, settings: &Settings) -> Outcome {
    let start = Instant::now();
    let ranked = index.search(&q.question, settings.top);
    let budget = settings.context_tokens - settings.answer_tokens;
    let passages = match parasol_qa::prompt::build(&q.question, &ranked, budget, &|s: &str| s.len() / 4 + 1) {
        Ok(p) => p.given.iter().map(|p| GivenPassage { page: p.page, text: p.text.clone() }).collect(),
        Err(e) => return failed(q, e.to_string()),
    };
    Outcome {
        id: q.id.clone(),
        answer: String::new(),
        passages,
        cited_pages: Vec::new(),
        cited_passages: Vec::new(),
        ttft_s: None,
        total_s: Some(start.elapsed().as_secs_f64()),
        error: None,
        support: None,
    }
}

fn failed(q: &Question, error: String) -> Outcome {
    Outcome {
        id: q.id.clone(),
        answer: String::new(),
        passages: Vec::new(),
        cited_pages: Vec::new(),
        cited_passages: Vec::new(),
        ttft_s: None,
        total_s: None,
        error: Some(error),
        support: None,
    }
}

fn write_outcomes(path: &Path, outcomes: &BTreeMap<String, Outcome>) -> Result<(), EvalError> {
    let write_err = |source| EvalError::Write { path: path.to_owned(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let mut text = String::new();
    for o in outcomes.values() {
        text.push_str(&serde_json::to_string(o).unwrap_or_default());
        text.push('\n');
    }
    std::fs::write(path, text).map_err(write_err)
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let every = ctx.qa_every.max(1);
    let offset = ctx.qa_offset;
    let questions: Vec<Question> = questions(ctx.qa_set)?.into_iter().skip(offset).step_by(every).collect();
    let mut report = Report::new("qa");
    if ctx.qa_set != QaSet::Main {
        report.notes.push(format!("question set: crates/eval/data/qa/{}", ctx.qa_set.file()));
    }
    if every > 1 || offset > 0 {
        let nth = |n: usize| match (n % 10, n % 100) {
            (1, r) if r != 11 => format!("{n}st"),
            (2, r) if r != 12 => format!("{n}nd"),
            (3, r) if r != 13 => format!("{n}rd"),
            _ => format!("{n}th"),
        };
        report.notes.push(format!(
            "one question in {every} of the set (its {}, {}, {}, …)",
            nth(offset + 1),
            nth(offset + every + 1),
            nth(offset + 2 * every + 1)
        ));
    }
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    let embedder = match ModelStore::new(&ctx.paths.models).require(ModelFile::E5Small) {
        Ok(path) => match Embedder::open(&path) {
            Ok(e) => Arc::new(e),
            Err(e) => {
                report.failures.push(format!("cannot load the embedding model: {e}"));
                return Ok(report);
            }
        },
        Err(missing) => {
            report.failures.push(format!("the embedding model is missing: {missing}"));
            return Ok(report);
        }
    };
    let mut systems: Vec<(String, BTreeMap<String, Outcome>)> = Vec::new();
    let models: Vec<Option<ChatModel>> = if ctx.chat_models.is_empty() {
        report.notes.push("retrieval only (no chat model): hit@5 is the measure; answers are empty".into());
        vec![None]
    } else {
        ctx.chat_models.iter().copied().map(Some).collect()
    };
    for model in models {
        let name = model.map_or("retrieval", ChatModel::name);
        let ours = run_parasol(ctx, &embedder, model, &questions, &mut report)?;
        if !ours.is_empty() {
            systems.push((format!("parasol-{name}"), ours));
        }
        let path = baseline_path(&ctx.paths.peers, ctx.qa_set, name);
        match load_outcomes(&path)? {
            Some(b) => systems.push((format!("baseline-{name}"), b)),
            None => report.notes.push(format!(
                "baseline-{name} not run: {} is missing (scripts/qa/baseline.py writes it)",
                path.display()
            )),
        }
    }

    let questions: Vec<Question> = if ctx.qa_rescore {
        // Earlier runs may have been cut short: score the questions every
        // system answered, so the columns compare like with like.
        let asked = questions.len();
        let common: Vec<Question> = questions
            .into_iter()
            .filter(|q| systems.iter().all(|(_, outcomes)| outcomes.contains_key(&q.id)))
            .collect();
        report.notes.push(format!("scored: the {} of {asked} questions every system answered", common.len()));
        common
    } else {
        questions
    };
    let mut columns = vec!["id", "kind", "lang"];
    let names: Vec<String> = systems.iter().map(|(s, _)| s.clone()).collect();
    columns.extend(names.iter().map(String::as_str));
    let mut per_question = Table::new(
        "per question (R retrieved, A answered, C cited gold page, X abstained; - missed)",
        &columns,
    );
    let mut totals: BTreeMap<(usize, String), Totals> = BTreeMap::new();
    for q in &questions {
        let mut row = vec![Cell::text(&q.id), Cell::text(&q.kind), Cell::text(&q.lang)];
        for (i, (_, outcomes)) in systems.iter().enumerate() {
            let Some(o) = outcomes.get(&q.id) else {
                row.push(Cell::text("(not run)"));
                continue;
            };
            let s = score(q, o);
            row.push(Cell::text(marks(&s, o)));
            for slice in slices(q) {
                totals.entry((i, slice)).or_default().add(&s, o);
            }
        }
        per_question.push(row);
    }
    let mut summary = Table::new(
        "summary (n = answerable/unanswerable; hit@5, accuracy, citation (a cited passage on the gold page) and cited evidence (a cited passage holds the gold answer) over answerable, abstention over unanswerable; TTFT median, total mean, seconds)",
        &["system", "slice", "n", "hit@5", "accuracy", "citation", "cited evidence", "abstention", "TTFT s", "total s", "errors"],
    );
    let order = |s: &str| match s {
        "all" => 0,
        "text" => 1,
        "table" => 2,
        "list" => 3,
        "section" => 4,
        _ => 5,
    };
    for (i, name) in names.iter().enumerate() {
        let mut rows: Vec<(&String, &Totals)> =
            totals.iter().filter(|((j, _), _)| *j == i).map(|((_, s), t)| (s, t)).collect();
        rows.sort_by_key(|(s, _)| (order(s), (*s).clone()));
        for (slice, t) in rows {
            summary.push(t.row(name, slice));
        }
    }
    report.tables.push(per_question);
    report.tables.push(summary);
    report.notes.push(format!(
        "{} questions over {} documents; settings: top {} passages, {} context tokens, {} answer tokens, greedy",
        questions.len(),
        questions.iter().map(|q| q.doc.as_str()).collect::<std::collections::BTreeSet<_>>().len(),
        Settings::default().top,
        Settings::default().context_tokens,
        Settings::default().answer_tokens,
    ));
    Ok(report)
}

fn marks(s: &Scores, o: &Outcome) -> String {
    if o.error.is_some() {
        return "error".into();
    }
    if let Some(a) = s.abstained {
        return if a { "X" } else { "-" }.into();
    }
    let flag = |b: Option<bool>, c: char| if b == Some(true) { c } else { '-' };
    [flag(s.hit, 'R'), flag(s.correct, 'A'), flag(s.cited, 'C')].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(answers: &[&str], page: Option<usize>) -> Question {
        Question {
            id: "t".into(),
            doc: "d.pdf".into(),
            lang: "en".into(),
            kind: "text".into(),
            question: "?".into(),
            answers: answers.iter().map(|s| s.to_string()).collect(),
            page,
            evidence: Some("the  quick\nbrown fox".into()),
        }
    }

    fn o(answer: &str, passages: &[(usize, &str)], cited: &[usize]) -> Outcome {
        Outcome {
            id: "t".into(),
            answer: answer.into(),
            passages: passages.iter().map(|(p, t)| GivenPassage { page: *p, text: t.to_string() }).collect(),
            cited_pages: cited.to_vec(),
            cited_passages: Vec::new(),
            ttft_s: Some(1.0),
            total_s: Some(2.0),
            error: None,
            support: None,
        }
    }

    #[test]
    fn the_heldout_set_parses_and_shares_no_document_with_the_main_set() {
        let main = questions(QaSet::Main).unwrap();
        let heldout = questions(QaSet::Heldout).unwrap();
        assert!(heldout.len() >= 40, "{} held-out questions", heldout.len());
        assert!(heldout.iter().filter(|q| !q.answerable()).count() >= 15);
        for q in &heldout {
            assert_eq!(q.answerable(), q.page.is_some(), "{}: gold page iff answerable", q.id);
            assert!(
                main.iter().all(|m| m.doc != q.doc && m.id != q.id),
                "{}: {} is in the main set",
                q.id,
                q.doc
            );
        }
    }

    #[test]
    fn the_set_parses_and_meets_its_own_description() {
        let qs = questions(QaSet::Main).unwrap();
        assert!(qs.len() >= 80, "{} questions", qs.len());
        let docs: std::collections::BTreeSet<_> = qs.iter().map(|q| q.doc.as_str()).collect();
        assert!(docs.len() >= 12, "{} documents", docs.len());
        assert!(qs.iter().filter(|q| !q.answerable()).count() >= 10);
        assert!(qs.iter().any(|q| q.lang == "ko") && qs.iter().any(|q| q.lang == "ja"));
        for q in &qs {
            assert_eq!(q.answerable(), q.page.is_some(), "{}: gold page iff answerable", q.id);
            assert!(q.answers.iter().all(|a| !normalise(a).is_empty()), "{}: empty gold answer", q.id);
        }
        let ids: std::collections::BTreeSet<_> = qs.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids.len(), qs.len(), "ids are unique");
    }

    #[test]
    fn answers_are_compared_after_normalisation() {
        let s = score(&q(&["ＡＢＣ 12"], Some(2)), &o("It is abc\n12 [1].", &[(2, "x")], &[2]));
        assert_eq!(s.correct, Some(true));
        assert_eq!(s.cited, Some(true));
        assert_eq!(s.hit, Some(false));
    }

    #[test]
    fn a_hit_needs_the_gold_page_and_the_answer_or_evidence() {
        let question = q(&["fox"], Some(3));
        assert_eq!(score(&question, &o("", &[(2, "the fox")], &[])).hit, Some(false));
        assert_eq!(score(&question, &o("", &[(3, "a fox")], &[])).hit, Some(true));
        let no_answer = q(&["zebra"], Some(3));
        assert_eq!(score(&no_answer, &o("", &[(3, "The quick brown\nfox")], &[])).hit, Some(true));
    }

    #[test]
    fn abstentions_in_three_languages() {
        assert!(abstains("The document does not say."));
        assert!(abstains("이 문서에는 없습니다."));
        assert!(abstains("文書には記載されていません。"));
        assert!(!abstains("Paris [1]."));
        let unanswerable = q(&[], None);
        assert_eq!(score(&unanswerable, &o("The document does not say.", &[], &[])).abstained, Some(true));
        assert_eq!(score(&unanswerable, &o("42 [1]", &[], &[])).abstained, Some(false));
        // An abstention is never a correct answer, even if it repeats a gold string.
        let s = score(&q(&["fox"], Some(1)), &o("The document does not say anything about a fox.", &[], &[]));
        assert_eq!(s.correct, Some(false));
    }
}
