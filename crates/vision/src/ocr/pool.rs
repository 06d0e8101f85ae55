//! Independent batches of one model spread over a few sessions of it.
//!
//! The line classifier and the recogniser run RapidOCR's batches of six
//! lines, and a batch's result does not depend on the others or on the
//! order they run in. `n` single-threaded sessions working on `n` batches at
//! once keep the cores busier than one session with `n` intra-op threads,
//! whose threads wait for each other after every operator (on the
//! classifier's small batches a second thread gains nothing at all).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::session::Model;
use crate::VisionError;

/// Runs `run(model, batch)` for every batch, each on whichever session is
/// free, in the order given, and returns the results by item index (`len`
/// items; an item in no batch keeps `T::default()`). A batch holds item
/// indices (`AsRef<[usize]>`), and `run` returns one result per index, in
/// the batch's order.
pub(crate) fn run_batches<B, T, F>(
    models: &[Model],
    batches: &[B],
    len: usize,
    run: F,
) -> Result<Vec<T>, VisionError>
where
    B: AsRef<[usize]> + Sync,
    T: Clone + Default + Send,
    F: Fn(&Model, &B) -> Result<Vec<T>, VisionError> + Sync,
{
    let results = Mutex::new(vec![T::default(); len]);
    let next = AtomicUsize::new(0);
    let work = |model: &Model| -> Result<(), VisionError> {
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(b) else { return Ok(()) };
            let out = run(model, batch)?;
            let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
            for (&i, r) in batch.as_ref().iter().zip(out) {
                if let Some(slot) = results.get_mut(i) {
                    *slot = r;
                }
            }
        }
    };
    let workers = models.len().min(batches.len());
    match models {
        [] => return Err(VisionError::RuntimeNotInitialised),
        [first, ..] if workers <= 1 => work(first)?,
        _ => std::thread::scope(|s| {
            let handles: Vec<_> = models[..workers].iter().map(|m| s.spawn(|| work(m))).collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        })?,
    }
    Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
}
