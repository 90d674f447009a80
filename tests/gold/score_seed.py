import json
from kg.extract import build_nlp, extract_article, to_json
from kg.records import Article
from kg.evaluate import score_article, format_scores
gold=json.load(open('tests/gold/seed-000.json'))
text=open('/work/shared/seeds/000_7dcab47bf5217edc.txt',encoding='utf-8').read()
pred=to_json(extract_article(Article(id='seed',text=text),build_nlp()),lambda l:l)
s=score_article(gold,pred); print(format_scores(s))
G={(e['start'],e['end']) for e in gold['entities']}
for p in pred['entities']:
    if (p['start'],p['end']) not in G: print('FP',p['text'],p['label'],p['type'])
P={(e['start'],e['end']) for e in pred['entities']}
for g in gold['entities']:
    if (g['start'],g['end']) not in P: print('FN',g['text'],g['label'],g.get('certain',True))
