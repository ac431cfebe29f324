package dev.sparkformers.pipelines;

import java.util.ArrayList;
import java.util.List;

/** Texts for parity tests: lengths from 1 to over 300 tokens, accents, CJK, emoji, symbols and the empty string. */
final class ParityTexts {

    private ParityTexts() {}

    static List<String> varied() {
        List<String> texts = new ArrayList<>(List.of(
                "",
                "a",
                "Hello world!",
                "Naïve café owners in Zürich charge 4.50 CHF for an espresso ☕ — 東京 is pricier.",
                "東京は日本の首都です。",
                "北京欢迎你，上海也很美。",
                "서울은 한국의 수도입니다.",
                "Москва — столица России.",
                "مرحبا بالعالم",
                "שלום עולם",
                "🙂🙃😀 emoji 👩‍👩‍👧‍👦 family and 🇫🇷 flag",
                "Ελληνικά γράμματα: αβγδε",
                "Crème brûlée, jalapeño, façade, Ångström, Øresund, straße.",
                "ALL CAPS SENTENCE WITH NUMBERS 12345 AND SYMBOLS #@$%",
                "code: for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }",
                "https://example.com/path?query=value&other=1#fragment",
                "e = mc², ∑ xᵢ ≤ ∞, √2 ≈ 1.41421356",
                "tabs\tand\nnewlines\r\nmixed   spaces",
                "   leading and trailing whitespace   ",
                "Punctuation!!! ??? ... ;;; ---",
                "The quick brown fox jumps over the lazy dog.",
                "A man, a plan, a canal: Panama.",
                "Der schnelle braune Fuchs springt über den faulen Hund.",
                "El rápido zorro marrón salta sobre el perro perezoso.",
                "Le renard brun rapide saute par-dessus le chien paresseux.",
                "Il veloce volpe marrone salta sopra il cane pigro.",
                "Быстрая коричневая лиса прыгает через ленивую собаку.",
                "敏捷的棕色狐狸跳过了懒狗。",
                "素早い茶色の狐が怠け者の犬を飛び越える。",
                "Sentence embeddings map text to dense vectors."));
        String paragraph = "In 2021 a compact six-layer transformer with 384 hidden units was distilled from a larger "
                + "model and then fine-tuned on over one billion sentence pairs, which is why it works well for "
                + "semantic search, clustering and duplicate detection. ";
        for (int repeat = 1; texts.size() < 56; repeat++) {
            texts.add(paragraph.repeat(repeat).trim() + " Variant " + repeat + ".");
        }
        texts.add(("Ünïcödé wörds and 数字 123 mixed together. ").repeat(25));
        return texts;
    }
}
