import { describe, expect, it } from "vitest";
import { decodeResponse, encodeCall, XmlRpcParseError } from "./xmlrpc.js";

describe("XML-RPC encoding", () => {
  it("encodes a call with strings, booleans, numbers, arrays and structs, escaping markup", () => {
    const xml = encodeCall("system.multicall", [[{ methodName: "a<b", params: ["x&y", true, 3] }]]);
    expect(xml).toContain("<methodName>system.multicall</methodName>");
    expect(xml).toContain("<member><name>methodName</name><value><string>a&lt;b</string></value></member>");
    expect(xml).toContain(
      "<value><string>x&amp;y</string></value><value><boolean>1</boolean></value><value><int>3</int></value>",
    );
  });
});

describe("XML-RPC decoding", () => {
  it("decodes a value response as supervisord writes it", () => {
    const xml = `<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><array><data>
<value><string>line &lt;1&gt;
</string></value>
<value><int>42</int></value>
<value><boolean>0</boolean></value>
<value>untyped</value>
<value><struct>
<member>
<name>statename</name>
<value><string>RUNNING</string></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>
</methodResponse>`;
    expect(decodeResponse(xml)).toEqual({
      ok: true,
      value: ["line <1>\n", 42, false, "untyped", { statename: "RUNNING" }],
    });
  });

  it("decodes a fault into its code and string", () => {
    const xml = `<?xml version='1.0'?>
<methodResponse><fault><value><struct>
<member><name>faultCode</name><value><int>50</int></value></member>
<member><name>faultString</name><value><string>SPAWN_ERROR: web</string></value></member>
</struct></value></fault></methodResponse>`;
    expect(decodeResponse(xml)).toEqual({ ok: false, faultCode: 50, faultString: "SPAWN_ERROR: web" });
  });

  it("refuses a body that is not XML-RPC", () => {
    expect(() => decodeResponse("<html>nope</html>")).toThrow(XmlRpcParseError);
  });
});
