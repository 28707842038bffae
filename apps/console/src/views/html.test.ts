import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "./html.js";

describe("html", () => {
  it("escapes every interpolated value", () => {
    const evil = `<script>alert("x")</script>&'`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it("keeps nested templates and arrays of them as they are", () => {
    const items = ["a<b", "c"].map((item) => html`<li>${item}</li>`);
    const list = html`<ul>
      ${items}
    </ul>`.value;
    expect(list.replace(/\s+/g, "")).toBe("<ul><li>a&lt;b</li><li>c</li></ul>");
  });

  it("renders null, undefined and false as nothing, and numbers as text", () => {
    expect(html`[${null}${undefined}${false}${0}${true}]`.value).toBe("[0true]");
  });

  it("escapes a plain string", () => {
    expect(escapeHtml(`"a" & 'b'`)).toBe("&quot;a&quot; &amp; &#39;b&#39;");
  });
});
