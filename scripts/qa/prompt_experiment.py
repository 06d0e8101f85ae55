#!/usr/bin/env python3
"""Prompt experiments on the passages a `parasol-eval qa` run dumped (issue 13).

For each question of a dump (target/eval-tmp/qa/parasol-<model>.jsonl), the
same numbered passages are put in a prompt with one of the instruction
variants below (v0: with a fixed "The document does not say." reply, as the
first prompt; v1: softer; v2: no abstention reply, the prompt `qa` uses now),
answered greedily by llama.cpp (llama-cpp-python 0.2.62, the baseline's venv)
on the same GGUF, and then asked "Is your answer stated in the passages?" on
the cached prefix; the yes/no probabilities of the next token are recorded.

  python prompt_experiment.py DUMP v0,v2 THREADS OUT.jsonl [MODEL.gguf] [QUESTIONS.jsonl]
"""
import json, sys, time, unicodedata, math
from llama_cpp import Llama
ROLE = "You answer questions about a document, using only the numbered passages the user gives you."
V0 = ("Answer the question in one or two sentences, using only the passages above; "
 "they may be in another language than the question. After each sentence, write the numbers of the passages "
 "you used in square brackets, e.g. \"... [1]\". If the passages do not answer the question, reply only: "
 "The document does not say. Write your answer in the language of the question.")
V1 = ("Answer the question in one or two sentences from the passages above (they may be in another language "
 "than the question); copy names, numbers and terms exactly as the passages write them. After each sentence, "
 "write the number of the passage you used in square brackets, e.g. \"... [1]\". Only if no passage is about "
 "the question, reply: The document does not say. Write your answer in the language of the question.")
VERIFY = "Is your answer stated in the passages? Reply only Yes or No."
V2 = ("Answer the question in one or two sentences from the passages above (they may be in another language "
 "than the question). After each sentence, write the number of the passage you used in square brackets, "
 "e.g. \"... [1]\". Write your answer in the language of the question.")
variants = {'v0': V0, 'v1': V1, 'v2': V2}
def chat(msgs):
    return ''.join(f"<|im_start|>{r}\n{c}<|im_end|>\n" for r, c in msgs) + "<|im_start|>assistant\n"
qs = {}
for l in open(sys.argv[6] if len(sys.argv) > 6 else 'crates/eval/data/qa/questions.jsonl'):
    q = json.loads(l); qs[q['id']] = q
rows = [json.loads(l) for l in open(sys.argv[1])]
which = sys.argv[2].split(',')
llm = Llama(model_path=sys.argv[5] if len(sys.argv) > 5 else 'models/files/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf', n_ctx=2048,
            n_threads=int(sys.argv[3]), verbose=False, logits_all=False)
norm = lambda s: unicodedata.normalize('NFKC', s).lower()
out = open(sys.argv[4], 'a')
import numpy as np
YES = [llm.tokenize(w.encode(), add_bos=False, special=False)[0] for w in ('Yes', 'yes')]
NO = [llm.tokenize(w.encode(), add_bos=False, special=False)[0] for w in ('No', 'no')]
def yes_no(text):
    toks = llm.tokenize(text.encode(), add_bos=False, special=True)
    have = list(llm._input_ids)
    k = 0
    while k < min(len(have), len(toks) - 1) and have[k] == toks[k]:
        k += 1
    llm.n_tokens = k
    llm.eval(toks[k:])
    z = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64)
    z = np.exp(z - z.max()); z /= z.sum()
    return float(sum(z[i] for i in YES)), float(sum(z[i] for i in NO))
for r in rows:
    q = qs[r['id']]
    body = ''.join(f"[{i+1}] {p['text']}\n\n" for i, p in enumerate(r['passages']))
    rec = {'id': r['id'], 'kind': q['kind'], 'gold': q['answers']}
    for v in which:
        user = f"Passages:\n\n{body}Question: {q['question']}\n\n{variants[v]}"
        t = time.time()
        res = llm.create_completion(chat([('system', ROLE), ('user', user)]), max_tokens=120, temperature=0.0,
                                    top_k=1, repeat_penalty=1.0, stop=["<|im_end|>"])
        ans = res['choices'][0]['text'].strip()
        # self-check, on the cached prefix
        p2 = chat([('system', ROLE), ('user', user)]) + ans + "<|im_end|>\n" + f"<|im_start|>user\n{VERIFY}<|im_end|>\n<|im_start|>assistant\n"
        py, pn = yes_no(p2)
        ok = any(norm(a) in norm(ans) for a in q['answers']) if q['answers'] else None
        rec[v] = {'answer': ans, 'ok': ok, 'yes': round(py, 3), 'no': round(pn, 3), 's': round(time.time() - t, 1)}
        print(r['id'], v, ok, round(py, 2), round(pn, 2), ans[:100].replace('\n', ' '), flush=True)
    out.write(json.dumps(rec, ensure_ascii=False) + '\n'); out.flush()
