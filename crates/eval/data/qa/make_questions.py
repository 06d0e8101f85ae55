#!/usr/bin/env python3
"""Source of questions.jsonl: the QA set for issue 13, written by hand.

Gold answers and evidence were read from the documents themselves (pdftotext of
each page, Docling's ground-truth Markdown, SROIE keys/boxes, PubTabNet gt HTML,
tesseract-test gold .txt, and for two images without ground truth a transcription
made by reading the image: gold_text/*.txt). Run: python3 make_questions.py
"""
import json

R = "docling/pdf/sources/redp5110_sampled.pdf"
M = "docling/pdf/sources/multi_page.pdf"
K = "docling/pdf/sources/normal_4pages.pdf"
A = "docling/pdf/sources/amt_handbook_sample.pdf"
O = "docling/pdf/sources/2305.03393v1-pg9.pdf"
C = "docling/pdf/sources/code_and_formula.pdf"
T = "docling/pdf/sources/table_mislabeled_as_picture.pdf"
OCR = "docling/ocr/sources/ocr_test.pdf"
NEM = "docling/ocr/sources/nemotron_multipage.pdf"
NEWS = "docling/ocr/sources/old_newspaper.png"
QR = "docling/ocr/sources/qr_bill_example.jpg"
PHOTO = "ocr/tesseract-test/phototest.tif"
EURO = "ocr/tesseract-test/eurotext.tif"
def RC(n): return f"receipts/sroie/img/{n}.jpg"
def PT(n): return f"tables/pubtabnet/examples/{n}.png"

Q = []
def q(id, doc, kind, question, answers, page, evidence, lang="en"):
    Q.append(dict(id=id, doc=doc, lang=lang, kind=kind, question=question,
                  answers=answers, page=page, evidence=evidence))
def u(id, doc, question, lang="en"):
    q(id, doc, "unanswerable", question, [], None, None, lang)

# ---------------------------------------------------------------- redp5110 (18 pages)
q("redp-01", R, "text", "Which author is listed first on the front cover of the Redpaper?",
  ["Jim Bainbridge"], 1, "Jim Bainbridge Hernando Bedoya Rob Bestgen Mike Cain Dan Cruikshank Jim Denton Doug Mack Tom McKinley Kent Milligan")
q("redp-02", R, "section", "In the table of contents, which numbered section is about the VERIFY_GROUP_FOR_USER function?",
  ["3.3"], 2, "3.3 VERIFY_GROUP_FOR_USER function")
q("redp-03", R, "section", "What is the title of chapter 2 of this paper?",
  ["Roles and separation of duties"], 2, "Chapter 2. Roles and separation of duties")
q("redp-04", R, "list", "Which IBM query product is named among the topics that Global CoE engagements cover?",
  ["DB2 Web Query"], 3, "r Business intelligence and analytics r DB2 Web Query r Query/400 modernization for better reporting and analysis capabilities")
q("redp-05", R, "text", "Which IBM i release provides the Row and Column Access Control feature described in the paper?",
  ["7.2"], 4, "This IBM® Redpaper™ publication provides information about the IBM i 7.2 feature of IBM DB2® for i Row and Column Access Control (RCAC)")
q("redp-06", R, "text", "How many years of experience in the computing field does Hernando Bedoya have?",
  ["28"], 4, "He has 28 years of experience in the computing field and has taught database classes in Colombian universities.")
q("redp-07", R, "text", "From which institution does Hernando Bedoya hold his Master's degree?",
  ["EAFIT"], 4, "He holds a Master’s degree in Computer Science from EAFIT, Colombia.")
q("redp-08", R, "text", "According to the Ponemon Institute studies, what was the average cost per lost record containing sensitive information?",
  ["$145", "145"], 5, "The average cost that is incurred for each lost record containing sensitive information increased more than 9% to $145 per record.")
q("redp-09", R, "text", "How much brand equity loss per attack did data breaches cause in 2013?",
  ["$9.4 million", "9.4 million"], 5, "resulted in a brand equity loss of $9.4 million per attack.")
q("redp-10", R, "text", "What is the default setting of the QCRTAUT system value?",
  ["*CHANGE"], 6, "the default setting for the Create default public authority (QCRTAUT) system value is *CHANGE.")
q("redp-11", R, "list", "What three things should a security policy minimally address?",
  ["confidentiality, integrity, and availability", "confidentiality, integrity and availability", "confidentiality"], 6,
  "A security policy should minimally address three things: confidentiality, integrity, and availability.")
q("redp-12", R, "text", "Which kind of special authority lets a user bypass the controls built into an SQL view?",
  ["*ALLOBJ", "ALLOBJ"], 7, "a user with *ALLOBJ access still can directly access all of the data in the underlying DB2 table")
q("redp-13", R, "table", "What data type does the USER_NAME column of the FUNCTION_USAGE view have?",
  ["VARCHAR(10)", "VARCHAR (10)"], 8, "USER_NAME VARCHAR(10) Name of the user profile that has a usage setting for this function.")
q("redp-14", R, "table", "In the FUNCTION_USAGE view, what is the data type of FUNCTION_ID?",
  ["VARCHAR(30)", "VARCHAR (30)"], 8, "FUNCTION_ID VARCHAR(30) ID of the function.")
q("redp-15", R, "list", "Which CL command displays function usage?",
  ["DSPFCNUSG"], 8, "Display Function Usage (DSPFCNUSG) For example, the following CHGFCNUSG command shows granting authorization to user HBEDOYA")
q("redp-16", R, "text", "In the CHGFCNUSG example, which user is granted authority to administer RCAC rules?",
  ["HBEDOYA"], 8, "CHGFCNUSG FCNID(QIBM_DB_SECADM) USER(HBEDOYA) USAGE(*ALLOWED)")
q("redp-17", R, "text", "Who is the employee responsible for managing security in the separation of duties example?",
  ["Theresa"], 9, "assume that a business has assigned the duty to manage security on IBM i to Theresa.")
q("redp-18", R, "text", "Which special authority is required to grant the QIBM_DB_SECADM function usage?",
  ["*SECADM", "SECADM special authority"], 9, "QIBM_DB_SECADM function usage can be granted only by a user with *SECADM special authority and can be given to a user or a group.")
q("redp-19", R, "table", "According to Table 2-2, which user actions are allowed with no authority at all?",
  ["Visual Explain within Run SQL scripts", "targeting a job that matches the current user"], 9,
  "STRDBMON or ENDDBMON commands targeting a job that matches the current user")
q("redp-20", R, "text", "What kind of expression does a column mask use to describe what you see in a column?",
  ["CASE expression", "CASE"], 10, "It uses a CASE expression that describes what you see when you access the column.")
q("redp-21", R, "table", "Which special register holds the authorization ID that initiated the connection?",
  ["SYSTEM_USER"], 11, "SYSTEM_USER The authorization ID that initiated the connection.")
q("redp-22", R, "text", "While the procedure proc1 is running, what value does the special register CURRENT USER contain?",
  ["JOE"], 11, "The special register CURRENT USER contains the value of JOE because it includes any adopted authority.")
q("redp-23", R, "table", "What is the type of the built-in global variable CLIENT_PORT?",
  ["INTEGER"], 12, "CLIENT_PORT INTEGER Port used by the current client to communicate with the server")
q("redp-24", R, "table", "Which built-in global variable gives the version identifier of the currently running package, and what is its type?",
  ["PACKAGE_VERSION"], 12, "PACKAGE_VERSION VARCHAR(64) Version identifier of the currently running package")
q("redp-25", R, "text", "What value does VERIFY_GROUP_FOR_USER return when the user is not in any of the listed profiles?",
  ["returns 0", "value of 0", "return 0", "returns a 0", "zero"], 12, "the function returns a long integer value of 1. Otherwise, it returns a value of 0.")
q("redp-26", R, "list", "In the HR example, what does a person who is neither HR, an employee nor a manager see for TAX_ID?",
  ["XXX-XX-XXXX"], 13, "Any other person sees the entire TAX_ID as masked, for example, XXX-XX-XXXX.")
q("redp-27", R, "section", "In the section on activating RCAC, which table is altered to activate row and column access control?",
  ["HR_SCHEMA.EMPLOYEES", "EMPLOYEES"], 14, "ALTER TABLE HR_SCHEMA.EMPLOYEES ACTIVATE ROW ACCESS CONTROL ACTIVATE COLUMN ACCESS CONTROL;")
q("redp-28", R, "text", "Without RCAC, the optimizer's advised index is for which clause?",
  ["ORDER BY"], 15, "Figure 4-69 shows the index advice for the SQL statement without RCAC enabled. The index being advised is for the ORDER BY clause.")
q("redp-29", R, "text", "In the banking example, what is shown instead of the driver's license number to users outside the ADMIN, TELLER and CUSTOMER groups?",
  ["*************"], 16, "WHEN QSYS2 . VERIFY_GROUP_FOR_USER ( SESSION_USER , 'CUSTOMER' ) = 1 THEN C . CUSTOMER_DRIVERS_LICENSE_NUMBER ELSE '*************'")
q("redp-30", R, "text", "What is the publication number printed on the back cover?",
  ["REDP-5110-00"], 18, "Specific recommendations are provided to help you implement IT solutions more effectively in your environment. For more information: ibm.com/redbooks REDP-5110-00")
u("redp-31", R, "What is Jim Bainbridge's e-mail address?")
u("redp-32", R, "What is the value of the QSECURITY system value recommended by the authors?")
u("redp-33", R, "How much does a DB2 for i Center of Excellence engagement cost?")
# cross-lingual (ja / ko) over the English Redpaper
q("redp-34", R, "text", "RCAC（行と列のアクセス制御）はどの IBM i リリースの機能ですか？", ["7.2"], 4,
  "This IBM® Redpaper™ publication provides information about the IBM i 7.2 feature of IBM DB2® for i Row and Column Access Control (RCAC)", lang="ja")
q("redp-35", R, "table", "FUNCTION_USAGE ビューの USAGE 列のデータ型は何ですか？", ["VARCHAR(7)", "VARCHAR (7)"], 8,
  "USAGE VARCHAR(7) Usage setting:", lang="ja")
q("redp-36", R, "table", "현재 클라이언트의 IP 주소를 돌려주는 내장 전역 변수의 이름은 무엇인가요?", ["CLIENT_IPADDR"], 12,
  "CLIENT_IPADDR VARCHAR(128) IP address of the current client as returned by the system", lang="ko")
q("redp-37", R, "text", "Identity Theft Resource Center에 따르면 2005년 이후 발생한 데이터 유출은 약 몇 건인가요?", ["5000", "5,000", "5천"], 5,
  "The Identity Theft Resource Center1 reports that almost 5000 data breaches have occurred since 2005, exposing over 600 million records of data.", lang="ko")
u("redp-38", R, "この資料には IBM i 7.3 で追加された新機能の一覧がありますか？その機能名を教えてください。", lang="ja")

# ---------------------------------------------------------------- multi_page (5 pages)
q("mp-01", M, "text", "Who patented the typewriter, and in what year?", ["Christopher Latham Sholes", "Sholes"], 1,
  "Patented in 1868 by Christopher Latham Sholes, the typewriter revolutionized written communication")
q("mp-02", M, "text", "When did IBM introduce the electric typewriter?", ["1935"], 1,
  "carbon paper (for copies) and the electric typewriter (introduced by IBM in 1935) improved the speed and convenience of document creation.")
q("mp-03", M, "list", "What did the IBM MT/ST combine with IBM's Selectric typewriter?", ["magnetic tape"], 1,
  "Introduced in 1964, this machine combined IBM's Selectric typewriter with magnetic tape storage.")
q("mp-04", M, "list", "For which operating system was WordStar developed?", ["CP/M"], 1,
  "WordStar (1978): Developed for the CP/M operating system, WordStar was one of the first widely used word processing programs.")
q("mp-05", M, "text", "Which Apple word processor is mentioned as leveraging the Macintosh's graphical capabilities?", ["MacWrite"], 2,
  "Apple’s MacWrite, which leveraged the Macintosh’s graphical capabilities.")
q("mp-06", M, "section", "In the section on the modern era, which open-source alternatives are mentioned?", ["OpenOffice", "LibreOffice"], 2,
  "OpenOffice and LibreOffice: Open-source alternatives emerged in the early 2000s, offering free and flexible word processing options.")
q("mp-07", M, "list", "Which two screenwriting tools does the document name?", ["Final Draft", "Celtx"], 3,
  "For screenwriters, tools like Final Draft and Celtx are specialized to handle scripts for film and television.")
q("mp-08", M, "list", "Which key feature of word processors was introduced in the 1980s?", ["Undo/Redo", "Undo"], 3,
  "Undo/Redo: Introduced in the 1980s, the ability to undo mistakes and redo actions made experimentation and error correction much easier.")
q("mp-09", M, "section", "What is the heading of the section that lists the features that transformed how people wrote and edited?",
  ["Key Features That Changed Word Processing"], 3,
  "Key Features That Changed Word Processing The evolution of word processors wasn't just about hardware or software improvements")
q("mp-10", M, "list", "Which program is mentioned as letting authors manage large projects such as novels and screenplays?", ["Scrivener"], 4,
  "Programs like Scrivener allowed authors to manage large projects, from novels to screenplays, with features like chapter outlines and character notes.")
q("mp-11", M, "list", "Which dictation tool is named in the voice typing item?", ["Dragon NaturallySpeaking", "Dragon"], 4,
  "Tools like Dragon NaturallySpeaking and built-in options in Google Docs and Microsoft Word have made dictation mainstream.")
q("mp-12", M, "section", "In 'A Glimpse Into the Future', which possibility is about suggestions based on user habits or regional language variations?",
  ["Hyper-Personalization", "Hyper Personalization"], 4,
  "Hyper-Personalization: Word processors could offer dynamic suggestions based on industry-specific needs, user habits, or even regional language variations.")
u("mp-13", M, "In which year was Microsoft Word for Windows first released?")
u("mp-14", M, "Who founded Wang Laboratories?")
q("mp-15", M, "text", "타자기는 몇 년에 특허를 받았나요?", ["1868"], 1,
  "Patented in 1868 by Christopher Latham Sholes, the typewriter revolutionized written communication", lang="ko")
q("mp-16", M, "text", "Microsoft が MS-DOS 向けに Word を発売したのは何年ですか？", ["1983"], 1,
  "Microsoft launched Word for MS-DOS in 1983, introducing a graphical user interface (GUI) and mouse support.", lang="ja")
q("mp-17", M, "text", "Google Docs는 몇 년에 등장했나요?", ["2006"], 2,
  "Google Docs (2006): The introduction of cloud-based word processing revolutionized collaboration.", lang="ko")
u("mp-18", M, "この文書によると、一太郎が発売されたのは何年ですか？", lang="ja")

# ---------------------------------------------------------------- normal_4pages (Korean report, 4 pages)
q("ko-01", K, "text", "2020년 3월 30일 0시 기준 국내 코로나-19 확진자는 몇 명이었나요?", ["9,661", "9661"], 1,
  "2020.3.30. 0시 기준 현재", lang="ko")
q("ko-02", K, "text", "같은 시점의 코로나-19 사망자 수는?", ["158"], 1,
  "진자는 9,661명, 사망자는 158명으로 나타났다.", lang="ko")
q("ko-03", K, "text", "이 보고서는 「이슈와 논점」 몇 호인가요?", ["1695"], 1,
  "제1695호 발행일 2020년 4월 2일", lang="ko")
q("ko-04", K, "table", "[표 1]에 따르면 개정 전 1군 감염병 대상 질병은 몇 종이었나요?", ["6종", "6 종", "6가지", "여섯"], 2,
  "(6종) 콜레라, 장티푸스, 파라 티푸스, 세균성이질, 장출혈 성대장균감염증, A형간염", lang="ko")
q("ko-05", K, "table", "[표 1]에서 개정 후 1급 감염병은 몇 종인가요?", ["17종", "17 종", "17가지"], 2,
  "(17종) 에볼라, 페스트 등", lang="ko")
q("ko-06", K, "text", "KCD에서 코로나-19의 질병분류기호는 무엇인가요?", ["U07.1"], 2,
  "바이러스 질환 2019”로 질병분류기호는 “U07.1”", lang="ko")
q("ko-07", K, "section", "'문제점' 장의 첫 번째 항목 제목은 무엇인가요?", ["상위법에 반하는 보험약관의 해석"], 3,
  "(1) 상위법에 반하는 보험약관의 해석", lang="ko")
q("ko-08", K, "section", "개선과제에서 신종위험에 대비해 개발이 필요하다고 제시한 보험상품의 예는?", ["파라메트릭", "Parametric", "인덱스", "Index", "감염병 보험"], 4,
  "따라서 감염병 보험, 파라메트릭(Parametric", lang="ko")
q("ko-09", K, "text", "국회입법조사처 발간물의 ISSN은?", ["2005-744X"], 4,
  "Tel. 02-788-4510 ISSN 2005-744X", lang="ko")
q("ko-10", K, "text", "What disease classification code does the Korean standard classification (KCD) give COVID-19?", ["U07.1"], 2,
  "바이러스 질환 2019”로 질병분류기호는 “U07.1”")
u("ko-11", K, "이 보고서에 따르면 코로나-19로 지급된 재해보험금 총액은 얼마인가요?", lang="ko")

# ---------------------------------------------------------------- amt_handbook_sample (1 page)
q("amt-01", A, "text", "What are the two general types of self-locking nuts currently in use?", ["all-metal", "fiber lock"], 1,
  "The two general types of self-locking nuts currently in use are the all-metal type and the fiber lock type.")
q("amt-02", A, "text", "What connects the locking section and the load-carrying section of the Boots self-locking nut?", ["spring"], 1,
  "The two sections are connected with a spring, which is an integral part of the nut.")
q("amt-03", A, "text", "What material is the bellows type Boots nut made of?", ["aluminum alloy"], 1,
  "The Rol-top nut is cadmium-plated steel, and the bellows type is made of aluminum alloy only.")
q("amt-04", A, "section", "Under the heading on the stainless steel self-locking nut, what two parts does that nut consist of?",
  ["thread insert", "threaded insert", "case"], 1,
  "The nut consists of two parts: a case with a beveled locking shoulder and key and a thread insert with a locking shoulder and slotted keyway.")
q("amt-05", A, "text", "Why is the height of the elastic stop nut increased?", ["fiber locking collar"], 1,
  "The elastic stop nut is a standard nut with the height increased to accommodate a fiber locking collar.")
u("amt-06", A, "What torque should be applied when tightening an elastic stop nut?")
q("amt-07", A, "text", "스테인리스강 자동 고정 너트(stainless steel self-locking nut)의 단면도를 보여 주는 그림 번호는?", ["7-27"], 1,
  "The cross-sectional view in Figure 7-27 shows how the key of the case fits into the slotted keyway of the insert", lang="ko")
q("amt-08", A, "text", "Boots セルフロッキングナットのバネの種類は何種類ありますか？", ["three", "3 different", "3 spring", "3種類", "3 種類", "三"], 1,
  "Boots self-locking nuts are made with three different spring styles and in various shapes and sizes.", lang="ja")

# ---------------------------------------------------------------- 2305.03393v1-pg9 (1 page, Table 1)
q("otsl-01", O, "table", "In Table 1, what inference time did OTSL reach with 6 encoder and 6 decoder layers?", ["2.73"], 1,
  "OTSL 0.965 0.934 0.955 0.88 2.73")
q("otsl-02", O, "table", "What was the HTML model's inference time with 4 encoder and 4 decoder layers?", ["3.77"], 1,
  "HTML 0.952 0.909 0.938 0.843 3.77")
q("otsl-03", O, "table", "What TEDs score on complex tables did OTSL obtain with 2 encoder layers and 4 decoder layers?", ["0.897"], 1,
  "OTSL 0.923 0.897 0.915 0.859 1.91")
q("otsl-04", O, "table", "What mAP (0.75) did the HTML representation get with 4 encoder and 2 decoder layers?", ["0.824"], 1,
  "HTML 0.944 0.903 0.931 0.824 2")
q("otsl-05", O, "text", "On which CPU were the inference timings measured?", ["AMD EPYC 7763", "EPYC 7763"], 1,
  "obtained from the same machine on a single core with AMD EPYC 7763 CPU @2.45 GHz.")
q("otsl-06", O, "text", "How many samples does FinTabNet have?", ["113k", "113,000", "113 000", "113 thousand"], 1,
  "PubTabNet (395k samples), FinTabNet (113k samples) and PubTables-1M (about 1M samples).")
q("otsl-07", O, "section", "Which section covers the hyperparameter optimization, and on which data set was it done?", ["PubTabNet", "5.1"], 1,
  "We have chosen the PubTabNet data set to perform HPO, since it includes a highly diverse set of tables.")
u("otsl-08", O, "What GPU was used to train the OTSL model?")
q("otsl-09", O, "text", "OTSL は HTML と比べて推論が何倍速くなりますか？", ["2x", "2倍", "2 倍", "two times", "twice"], 1,
  "However OTSL yields a 2x speed up in the inference runtime over HTML.", lang="ja")
q("otsl-10", O, "text", "PubTables-1M 데이터셋에는 대략 몇 개의 샘플이 있나요?", ["1M", "1 million", "100만", "백만"], 1,
  "PubTabNet (395k samples), FinTabNet (113k samples) and PubTables-1M (about 1M samples).", lang="ko")

# ---------------------------------------------------------------- code_and_formula (2 pages)
q("code-01", C, "text", "What is the caption of Listing 1?", ["Simple JavaScript Program"], 1,
  "Listing 1: Simple JavaScript Program")
q("code-02", C, "text", "With which arguments is the function called in the JavaScript listing?", ["3, 5", "3 , 5", "3 and 5", "(3,5)"], 1,
  "function add (a , b ) { return a + b ; } console . log ( add (3 , 5) ) ;")
q("code-03", C, "section", "Which equation appears in the section titled Formula?", ["a2 + 8 = 12", "a^2 + 8 = 12", "a2+8=12", "a^2+8=12", "= 12", "a^{2}+8=12"], 2,
  "sed diam nonummy nibh euismod tincidunt. a2 + 8 = 12")
u("code-04", C, "Under which license is the JavaScript code in this document released?")

# ---------------------------------------------------------------- table_mislabeled_as_picture (1 page)
q("legal-01", T, "text", "Which survey question number asks for the maximum caseload per lawyer?", ["23"], 1,
  "23. If your country has an institutional legal aid provider (e.g. public defender), what is the maximum caseload per lawyer at one time?")
q("legal-02", T, "text", "Which report is this page part of?", ["Global Study on Legal Aid"], 1,
  "Global Study on Legal Aid — Global Report")
q("legal-03", T, "table", "In question 28, which group of displaced people is listed among the disadvantaged population groups?",
  ["Internally displaced persons"], 1, "Refugees, asylum seekers, or stateless persons * * yy Internally displaced persons")
q("legal-04", T, "list", "For question 26 on student law clinics, what options can be selected about guidelines?",
  ["faculty/student ratios", "non-lawyers providing legal aid services", "discretion of each university"], 1,
  "Yes, there are specific guidelines for non-lawyers providing legal aid services")
u("legal-05", T, "What maximum caseload per lawyer was reported at the national level?")

# ---------------------------------------------------------------- scanned PDFs without text layer
q("ocr-01", OCR, "text", "What does Docling bundle into an easy self-contained package?", ["PDF document conversion"], 1,
  "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package")
q("nem-01", NEM, "text", "To which formats does the package convert PDF documents?", ["JSON and Markdown", "JSON"], 1,
  "Docling bundles PDF document conversion to JSON and Markdown in an easy self contained package")

# ---------------------------------------------------------------- images with gold text
q("photo-01", PHOTO, "text", "What point size is the test text?", ["12 point", "12-point", "12pt", "12 pt"], 1,
  "This is a lot of 12 point text to test the ocr code and see if it works on all types of file format.")
q("photo-02", PHOTO, "text", "In the test sentence, which animal jumped over the lazy fox?", ["brown dog", "dog"], 1,
  "The quick brown dog jumped over the lazy fox.")
q("euro-01", EURO, "text", "What dollar amount appears in the text?", ["$43,456.78", "43,456.78", "43456.78"], 1,
  "Over the $43,456.78 <lazy> #90 dog & duck/goose, as 12.5% of E-mail")
q("euro-02", EURO, "text", "What e-mail address is mentioned as a source of spam?", ["aspammer@website.com"], 1,
  "as 12.5% of E-mail from aspammer@website.com is spam.")
q("euro-03", EURO, "text", "この文章によると、迷惑メールの割合は何パーセントですか？", ["12.5%", "12.5 %", "12.5"], 1,
  "& duck/goose, as 12.5% of E-mail from aspammer@website.com is spam.", lang="ja")
q("qr-01", QR, "table", "What VAT rate is applied on the bill?", ["7.7 %", "7.7%"], 1,
  "sum CHF 3`667.35 VAT rate 7.7 % VAT amount CHF 282.40")
q("qr-02", QR, "table", "What is the individual price for the garden work?", ["120.00", "120"], 1,
  "1 Garden work 28 Std. CHF 120.00 CHF 3`360.00")
q("qr-03", QR, "text", "Within how many days must the bill be paid?", ["30 days", "30"], 1,
  "Thank you for the assignment. Please pay the bill amount within 30 days.")
q("qr-04", QR, "text", "この請求書の請求番号は何番ですか？", ["3139"], 1,
  "Bill No. 3139 for garden work and disposal of cuttings", lang="ja")
q("qr-05", QR, "table", "이 청구서의 부가가치세(VAT) 금액은 얼마인가요?", ["282.40", "282.4"], 1,
  "VAT rate 7.7 % VAT amount CHF 282.40 Bill amount CHF 3`949.75", lang="ko")
u("qr-06", QR, "What is the due date printed on the payment slip?")
q("news-01", NEWS, "text", "How many participants arrived for the NDEA French Institute?", ["48"], 1,
  "opened its doors on OU's campus last week with the arrival of its 48 participants, eight experienced professors of French")
q("news-02", NEWS, "text", "Who is the director of the French Institute?", ["Don Iodice", "Iodice"], 1,
  "Director of the Institute is OU's assistant professor of French, Don Iodice.")
q("news-03", NEWS, "text", "In which house are the Institute's participants housed this summer?", ["Anibal House", "Anibal"], 1,
  "When they return to the dormitory (all participants are housed in Anibal House this summer)")
q("news-04", NEWS, "text", "What is the phone number of Arnold Rexall Pharmacy?", ["333-7033", "333 - 7033"], 1,
  "Arnold Rexall Pharmacy Prescriptions Cosmetics Sundry Items Liquor, Beer, Wine 2026 Opdyke Rd. Corner of Pontiac Road 333-7033")
u("news-05", NEWS, "How much does a ticket to the Hills Theatre cost?")

# ---------------------------------------------------------------- SROIE receipts (gold: key/*.json, box/*.csv)
q("rc000-01", RC("000"), "text", "What is the rounded total on this receipt?", ["9.00"], 1, "ROUND D TOTAL (RM): 9.00 CASH 10.00 CHANGE 1.00")
q("rc000-02", RC("000"), "table", "What item was bought?", ["MODELLING CLAY", "KF MODELLING CLAY KIDDY FISH"], 1,
  "9556939040116 KF MODELLING CLAY KIDDY FISH 1 PC * 9.000 0.00 9.00")
q("rc000-03", RC("000"), "text", "이 영수증에서 거스름돈은 얼마였나요?", ["1.00"], 1, "ROUND D TOTAL (RM): 9.00 CASH 10.00 CHANGE 1.00", lang="ko")
q("rc025-01", RC("025"), "text", "What is the receipt number?", ["CS1801/27037"], 1,
  "SIMPLIFIED TAX INVOICE CASH RECEIPT NO. : CS1801/27037 DATE : 23/01/2018")
q("rc025-02", RC("025"), "table", "What is the unit price of the double sided tissue tape?", ["1.32"], 1,
  "TP-24 5 1.32 0.00 6.60 * - DOUBLE SIDED TISSUE TAPE 18MM")
q("rc025-03", RC("025"), "text", "What is the shop's telephone number?", ["03-3271 9872"], 1,
  "SELANGOR DARUL EHSAN TEL : 03-3271 9872 GST NO. : 000689913856")
q("rc050-01", RC("050"), "table", "How much did the ribs platter cost?", ["259.90"], 1, "PAX: 6 1 RIBS PLATTER SR 259.90 1 NAUGHTY SPARE RIB - FULL")
q("rc050-04", RC("050"), "text", "What is the invoice number of this guest check?", ["000039121"], 1, "GUEST CHECK INVOICE NO: 000039121 DATE: 2018-03-23")
q("rc050-03", RC("050"), "text", "このレシートの日付はいつですか？", ["2018-03-23"], 1, "GUEST CHECK INVOICE NO: 000039121 DATE: 2018-03-23", lang="ja")
q("rc075-01", RC("075"), "text", "How much change was given?", ["41.00"], 1, "PAID AMOUNT : 200.00 CHANGE : 41.00 TOTAL QTY TENDER : 202")
q("rc075-02", RC("075"), "table", "How many Durafile H399 were bought?", ["200"], 1, "DURAFILE H399 (110 X 95MM) 200 SR 116.60")
u("rc075-03", RC("075"), "What is the store's e-mail address?")
q("rc100-01", RC("100"), "table", "What item does this receipt list?", ["SPRAY PAINT"], 1, "1587 1 7.42 7.42 SR SPRAY PAINT TOTAL QTY: 1 7.42")
q("rc100-02", RC("100"), "text", "What is the total GST charged?", ["0.42"], 1, "DISCOUNT : 0.00 TOTAL GST : 0.42 ROUNDING : 0.00")
u("rc100-03", RC("100"), "What are the last four digits of the credit card used?")
q("rc125-01", RC("125"), "table", "What is the unit price of the underground pipe?", ["90.10"], 1, "1099 3 90.10 270.30 SR 110MM X 5.8M UNDERGROUND PIPE")
q("rc125-02", RC("125"), "text", "At what time was this sale made?", ["14:31:00", "14:31"], 1, "DATE: 12/02/2018 CASHIER : USER TIME: 14:31:00")

# ---------------------------------------------------------------- PubTabNet tables (gold: gt_html)
q("pt1626-01", PT("PMC1626454_002_00"), "table", "What percentage of general practitioners agreed that hospital stays became much shorter since antipsychotic drugs were introduced?", ["75.8"], 1,
  "7. Since the introduction of antipsychotic drugs, the duration of stay in psychiatric hospitals has become much shorter 0 0 0 24.2 75.8")
q("pt1626-02", PT("PMC1626454_002_00"), "table", "What share of lay persons were undecided about antipsychotic drug treatment being the most effective way to treat mental illness?", ["37.1"], 1,
  "1. Antipsychotic drug treatment is the most effective way to treat mental illness 7.1 4 33.3 29.3 26.3 9 17.7 37.1")
q("pt2753-01", PT("PMC2753619_002_00"), "table", "How many phenotypes were recorded for the SCS trait?", ["1058", "1,058"], 1,
  "Trait Number of Phenotypes Mean Standard Deviation Minimum Maximum SCS 1058")
q("pt2753-02", PT("PMC2753619_002_00"), "table", "SCS 형질의 표준편차는 얼마인가요?", ["0.383"], 1,
  "SCS 1058 - 0.1024 0.383 -1.211 1.072", lang="ko")
q("pt2759-01", PT("PMC2759935_007_01"), "table", "Which subnetwork has dimer formation, no monomer binding and dimer binding marked yes+?", ["abefg"], 1,
  "abefg yes no yes+ no no no no no")
q("pt2838-01", PT("PMC2838834_005_00"), "table", "What is the total number of genes in the classic complement pathway?", ["40"], 1,
  "Classic complement pathway 1,517E-05 12 40")
q("pt2838-02", PT("PMC2838834_005_00"), "table", "What P value does the role of APC in cell cycle regulation have in the +PMN condition?", ["1,040E-09", "1.040E-09", "1.04E-09", "1,04E-09"], 1,
  "Cell cycle Role of APC in cell cycle regulation 1,040E-09 8,149E-08 15 12 32")
q("pt3519-01", PT("PMC3519711_003_00"), "table", "How many water samples were analysed in total?", ["1245", "1,245"], 1,
  "Number of water samples analysed 679 (54.538% of total samples analyzed) 566 (45.462% of total samples analyzed) 1245")
q("pt3519-02", PT("PMC3519711_003_00"), "table", "除染後の期間にレジオネラ属陽性だったサンプルは何件ですか？", ["242"], 1,
  "Number of samples positive for Legionella spp. 394 (58.027%) 242 (42.756%) 636", lang="ja")
q("pt3826-01", PT("PMC3826085_003_00"), "table", "広東語（Cantonese）の話者は合計何人ですか？", ["38"], 1, "Cantonese 8 21 9 38", lang="ja")
q("pt3826-04", PT("PMC3826085_003_00"), "table", "How many Mandarin speakers are there in total?", ["13", "thirteen"], 1, "Mandarin 1 3 9 13")
u("pt3826-03", PT("PMC3826085_003_00"), "How many French speakers are in the infancy group?")
q("pt3907-01", PT("PMC3907710_006_00"), "table", "What magnitude is given for trial number 2?", ["0.5"], 1, "2 [0, 1, 0] [1, 0, 1, 0] 0.5 3")
q("pt4003-01", PT("PMC4003957_018_00"), "table", "Besides yoga, which exercise is listed under stretch training?", ["Pilatisi", "Pilates"], 1,
  "1 Flexibility improvement Pilatisi High (3∼4 rounds, repeat fifteen minutes per round)")
q("pt4003-02", PT("PMC4003957_018_00"), "table", "On what date was the exercise plan made?", ["2013/08/17"], 1,
  "Date: 2013/08/17 Time: 2:30 pm Frequency: 3∼4 times/ weekGoal: Exercise regularly")

if __name__ == "__main__":
    ids = [x["id"] for x in Q]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open("questions.jsonl", "w", encoding="utf-8") as f:
        for x in Q:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    print(len(Q), "questions")
