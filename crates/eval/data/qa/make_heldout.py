#!/usr/bin/env python3
"""Source of heldout.jsonl (the held-out QA set), written by hand from ground truth.

Run: python3 make_heldout.py [OUT]   (default: heldout.jsonl)
"""
import json, sys

SK2 = "docling/pdf/sources/skipped_2pages.pdf"
PIC = "docling/pdf/sources/picture_classification.pdf"
WEBP = "docling/webp/sources/webp-test.webp"
DLN = "docling/tiff/sources/2206.01062.tif"
def RC(n): return f"receipts/sroie/img/{n}.jpg"
def PT(n): return f"tables/pubtabnet/examples/{n}.png"
def FU(n): return f"forms/funsd_testing/images/{n}.png"
def UN(n): return f"ocr/tesseract-test/{n}.tif"

Q = []
def q(id, doc, kind, question, answers, page, evidence, lang="en"):
    Q.append(dict(id="ho-" + id, doc=doc, lang=lang, kind=kind, question=question,
                  answers=answers, page=page, evidence=evidence))
def u(id, doc, question, lang="en"):
    q(id, doc, "unanswerable", question, [], None, None, lang)

# ------------------------------------------------ skipped_2pages.pdf (Korean report excerpt, 4 p.; text layer on p.1-4)
q("sk2-01", SK2, "text", "[그림 4-3]의 제목은 무엇인가요?", ["미래 보안기술 도출 과정"], 2,
  "[그림 4-3] 미래 보안기술 도출 과정", lang="ko")
q("sk2-02", SK2, "list", "그림 4-3에서 미래보안기술 발전 방향성으로 제시된 항목은 무엇인가요?",
  ["내재화", "자동화", "확장성", "지능화", "견고성"], 2, "미래보안기술 발전 방향성 내재화 자동화", lang="ko")
q("sk2-03", SK2, "text", "On page 84 of the Korean report, what does the use of AI technology aim to reduce (give the Korean term)?",
  ["오탐율"], 4, "AI 기술을 활용해 오탐율을 줄이고, 빠른 분석 탐지를 넘어 자동적인 격리까지 제공하는 방향으로 진화")
u("sk2-04", SK2, "이 보고서를 발간한 기관은 어디인가요?", lang="ko")

# ------------------------------------------------ picture_classification.pdf (2 p., lorem ipsum + 2 figures)
q("pic-01", PIC, "section", "What is the title of this document?", ["Figures Example"], 1, "Figures Example")
q("pic-02", PIC, "text", "What does the caption of Figure 1 say?", ["This is an example image"], 1, "Figure 1: This is an example image.")
u("pic-03", PIC, "From which dataset is the image in Figure 1 taken?")

# ------------------------------------------------ webp-test.webp (one sentence)
q("webp-01", WEBP, "list", "Into which formats does Docling convert PDF documents, according to this page?",
  ["JSON and Markdown", "JSON", "Markdown"], 1, "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package")
u("webp-02", WEBP, "Which version of Docling does this page describe?")

# ------------------------------------------------ 2206.01062.tif (DocLayNet paper, TIFF p.1 = paper p.1, TIFF p.2 = paper p.3)
q("dln-01", DLN, "text", "How many manually annotated pages does DocLayNet contain?", ["80863", "80,863"], 1,
  "It contains 80863 manually annotated pages from diverse data sources to represent a wide variability in layouts.")
q("dln-02", DLN, "text", "At which conference was the DocLayNet paper published?", ["KDD '22", "KDD"], 1,
  "KDD '22, August 14-18, 2022, Washington, DC, USA")
q("dln-03", DLN, "text", "DocLayNetのレイアウト注釈では、いくつのクラスからラベルを選べますか？", ["11"], 1,
  "the layout annotations provide labelled bounding-boxes with a choice of 11 distinct classes", lang="ja")
q("dln-04", DLN, "text", "Roughly how far behind the inter-annotator agreement do the baseline models fall?",
  ["10%", "10 %", "approximately 10"], 1, "We also demonstrate that these models fall approximately 10% behind the inter-annotator agreement.")
q("dln-05", DLN, "text", "What share of the documents in DocLayNet are in German?", ["2.5%", "2.5 %"], 2,
  "such as German (2.5%), French (1.0%) and Japanese (1.0%)")
q("dln-06", DLN, "text", "According to Figure 2, what percentage of DocLayNet pages are manuals?", ["21%", "21 %"], 2, "Manuals 21%")
q("dln-07", DLN, "text", "DocLayNet 문서 중 영어로 된 문서의 비율은 대략 얼마인가요?", ["95%", "95 %"], 2,
  "The vast majority of documents contained in DocLayNet (close to 95%) are published in English language.", lang="ko")
q("dln-08", DLN, "text", "What is the pixel size of the PNG page images distributed with DocLayNet?",
  ["1025 × 1025", "1025x1025", "1025 x 1025"], 2, "with the associated page images (in PNG format, 1025 × 1025 pixels)")
q("dln-09", DLN, "list", "Into which document categories are the pages of DocLayNet grouped?",
  ["Financial Reports", "Manuals", "Scientific Articles", "Laws & Regulations", "Patents", "Government Tenders"], 2,
  "The pages in DocLayNet can be grouped into six distinct categories, namely Financial Reports , Manuals , Scientific Articles , Laws & Regulations , Patents and Government Tenders .")
u("dln-10", DLN, "What share of the documents in DocLayNet are in Chinese?")
u("dln-11", DLN, "What mAP does the best baseline model reach on DocLayNet?")
u("dln-12", DLN, "How many annotators took part in the DocLayNet annotation campaign?")

# ------------------------------------------------ SROIE receipts (gold: key/*.json, box/*.csv)
q("rc150-01", RC("150"), "text", "What is the tax invoice number?", ["00518087100028"], 1, "TAX INVOICE NO : 00518087100028")
q("rc150-02", RC("150"), "table", "How much tax does the GST summary show for the 6% rate?", ["1.70"], 1, "S(6%) 28.30 1.70")
u("rc150-03", RC("150"), "What is the name of the cashier who served this sale?")
q("rc175-01", RC("175"), "table", "How much did the H/C A4 400'S item cost?", ["9.90"], 1, "H/C A4 400'S 9.90 T")
q("rc175-02", RC("175"), "text", "What is the slip number of this receipt?", ["6030098553"], 1, "SLIP NO. : 6030098553")
u("rc175-03", RC("175"), "What is the customer's Popular card membership number?")
q("rc200-01", RC("200"), "table", "What was the price of the belt?", ["22.90"], 1, "QI31 - 12/480 9034870 1 X 22.90 22.90")
q("rc200-02", RC("200"), "text", "How much GST is included in the total?", ["2.43"], 1, "GST @6% INCLUDED IN TOTAL RM 2.43")
q("rc200-03", RC("200"), "text", "このレシートでお釣りはいくらでしたか？", ["7.10"], 1, "CASH RM 50.00 CHANGE RM 7.10", lang="ja")
u("rc200-04", RC("200"), "What is the store's telephone number?")
q("rc225-01", RC("225"), "table", "What is the unit price of a café crème?", ["12.00"], 1, "CAFE CREME 12.00 2 24.00")
q("rc225-02", RC("225"), "table", "How much did the café expressos cost in total?", ["20.00"], 1, "CAFE EXPRESSO 10.00 2 20.00")
q("rc225-03", RC("225"), "text", "What is the telephone number of the Relais Total Oulmes?", ["05.22.95.66.66"], 1, "TEL. : 05.22.95.66.66")
u("rc225-04", RC("225"), "How much VAT (TVA) is included in the bill?")
q("rc250-01", RC("250"), "table", "What is the unit price of the acrylic yarn?", ["13.00"], 1, "NONA M ACRYIC YARN 8.00 PKTS X 13.00 104.00")
q("rc250-02", RC("250"), "text", "What is the total excluding GST?", ["98.11"], 1, "TOTAL EXCL. OF GST 98.11")
u("rc250-03", RC("250"), "What colour of yarn was bought?")
q("rc275-01", RC("275"), "table", "How much did the Crispi Roll cost?", ["6.85", "RM6.85"], 1, "355 CRISPI ROLL 12 GRAIN SE RM6.85 S")
q("rc275-02", RC("275"), "text", "이 영수증의 인보이스 번호는 무엇인가요?", ["18028/103/T0269"], 1, "INVOICE NO : 18028/103/T0269", lang="ko")

# ------------------------------------------------ PubTabNet tables not used in questions.jsonl (gold: gt_html)
q("pt4517-01", PT("PMC4517499_004_00"), "table", "What is the median patient delay?", ["59"], 1, "Patient delay 55.3 40.0 59 5-123 5 198")
q("pt4517-02", PT("PMC4517499_004_00"), "table", "What is the maximum healthcare services delay?", ["371"], 1, "Healthcare services delay 76.5 91.2 45 38-128 0 371")
u("pt4517-03", PT("PMC4517499_004_00"), "What is the mean treatment delay?")
q("pt4776-01", PT("PMC4776821_005_00"), "table", "How many participants with Medium-High/Medium prior experience are there in total?", ["17"], 1, "Medium-High/Medium 4 8 5 17")
q("pt5402-01", PT("PMC5402779_004_00"), "table", "What is the specificity for females?", ["92.42"], 1, "Specificity 93.92 92.68 to 95.00 92.42 91.18 to 93.54")
q("pt5402-02", PT("PMC5402779_004_00"), "table", "What is the 95% confidence interval of the positive predictive value for males?",
  ["30.35 to 45.54"], 1, "Positive Predictive Value 37.72 30.35 to 45.54 31.08 25.04 to 37.63")
u("pt5402-03", PT("PMC5402779_004_00"), "What is the overall accuracy for males?")
q("pt5134-01", PT("PMC5134617_013_00"), "table", "What was the MAE on 15 August?", ["197.20", "197.2"], 1, "15 August −66.91 247.02 197.20 21.65% 37.11% 58.76% 61.86%")
u("pt5134-02", PT("PMC5134617_013_00"), "8月19日のMAEはいくつですか？", lang="ja")
q("pt5679-01", PT("PMC5679144_002_01"), "table", "At what rate did patients present with abdominal pain?", ["19.4%", "19.4 %"], 1, "Abdominal pain 19.4%")
q("pt5679-02", PT("PMC5679144_002_01"), "list", "Which clinical signs each occurred at a rate of 2.0%?",
  ["Abdominal distension", "Fatigue", "Dizzy"], 1, "Abdominal distension 2.0% Fatigue 2.0% Dizzy 2.0%")
u("pt5679-03", PT("PMC5679144_002_01"), "At what rate did patients present with fever?")
q("pt4840-01", PT("PMC4840965_004_00"), "table", "What is the hazard ratio for abdominoperineal resection?", ["3.140", "3.14"], 1, "Abdominoperineal resection 3.140 0.919–10.725")
q("pt4840-02", PT("PMC4840965_004_00"), "table", "What is the p value for type of surgery?", ["0.010", "0.01"], 1, "Type of surgery 0.010")
u("pt4840-03", PT("PMC4840965_004_00"), "What is the hazard ratio for T2 depth of tumor invasion?")

# ------------------------------------------------ FUNSD forms (gold: annotations/*.json, entity texts and linked question-answer pairs)
q("fu2491-01", FU("82491256"), "text", "On what date was the case filed?", ["July 23, 1998"], 1, "DATE FILED: July 23, 1998")
q("fu2491-02", FU("82491256"), "text", "What type of case is this?", ["Asbestos"], 1, "CASE TYPE: Asbestos")
u("fu2491-03", FU("82491256"), "Which judge is assigned to the case?")
u("fu2491-04", FU("82491256"), "When is the trial date?")
q("fu7252-01", FU("82837252"), "text", "Who reported the new competitive product?", ["BOBBY MILLS"], 1,
  "REPORTED BY: BOBBY MILLS, REGIONAL SALES MGR., INDIANAPOLIS, IN")
q("fu7252-02", FU("82837252"), "text", "Which brand is the report about?", ["VICEROY KING BOX", "VICEROY"], 1,
  "BRAND NAME: VICEROY KING BOX AND VICEROY LIGHTS KING BOX")
u("fu7252-03", FU("82837252"), "What is the list price of the new product?")
q("fu2350-01", FU("82562350"), "text", "On what date was the fax sent?", ["May 1, 2000"], 1, "Date: May 1, 2000")
q("fu2350-02", FU("82562350"), "text", "Who sent the fax?", ["Rick Redfield"], 1, "From: Rick Redfield")
u("fu2350-03", FU("82562350"), "What is the fax number of the recipient, Mr. Randy Spell?")

# ------------------------------------------------ UNLV scans in tesseract-test (gold: NNNN_NNN.3B.txt)
q("un8071-01", UN("8071_093.3B"), "text", "Who wrote the article \"What Kids Need Most in a Dad\"?", ["Ralph Kinney Bennett"], 1, "BY RALPH KINNEY BENNETT")
q("un8071-02", UN("8071_093.3B"), "text", "How many successful American families does Ray Guarendi's book examine?", ["100", "one hundred"], 1,
  "Back to the Family examines the long-term experience of 100")
q("un8071-03", UN("8071_093.3B"), "text", "In which town is the Church of Christ at Manor Woods?", ["Rockville"], 1,
  "Church of Christ at Manor Woods, in Rockville, Md., says one of the")
u("un8071-04", UN("8071_093.3B"), "In what year was Ray Guarendi's book Back to the Family published?")
q("un8087-01", UN("8087_054.3B"), "text", "What share of Dubrovnik's prewar economy did tourism account for?", ["80 percent", "80%", "80 %"], 1,
  "Tourism accounted for 80 percent of the city's prewar economy.")
q("un8087-02", UN("8087_054.3B"), "text", "How many taxis are left in Dubrovnik, according to the taxi driver?", ["seven", "7"], 1,
  "Now there are only seven, and business is still lousy.")
q("un8087-03", UN("8087_054.3B"), "text", "Which hotel was the only one open as of last March?", ["Argentina"], 1,
  "only one hotel was open, the classic Argentina,")
u("un8087-04", UN("8087_054.3B"), "How much does a night at the Hotel Argentina cost?")

if __name__ == "__main__":
    ids = [x["id"] for x in Q]
    assert len(ids) == len(set(ids)), "duplicate ids"
    out = sys.argv[1] if len(sys.argv) > 1 else "heldout.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for x in Q:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    print(len(Q), "questions")
