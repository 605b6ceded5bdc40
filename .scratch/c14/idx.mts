await import("/work/main/src/chapter14/data/index.json.ts");
