/** An XML-RPC value. */
export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [key: string]: XmlRpcValue };

/** A decoded XML-RPC response: a value, or a fault (which supervisord sends with HTTP 200). */
export type XmlRpcResponse = { ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string };

/** A response body that is not XML-RPC. */
export class XmlRpcParseError extends Error {
  override readonly name = "XmlRpcParseError";
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function encodeValue(value: XmlRpcValue): string {
  if (value === null) return "<value><nil/></value>";
  if (typeof value === "string") return `<value><string>${escapeXml(value)}</string></value>`;
  if (typeof value === "boolean") return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === "number") {
    return Number.isInteger(value) ? `<value><int>${value}</int></value>` : `<value><double>${value}</double></value>`;
  }
  if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join("")}</data></array></value>`;
  const members = Object.entries(value)
    .map(([name, member]) => `<member><name>${escapeXml(name)}</name>${encodeValue(member)}</member>`)
    .join("");
  return `<value><struct>${members}</struct></value>`;
}

/** The XML body of a method call. */
export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  const encoded = params.map((param) => `<param>${encodeValue(param)}</param>`).join("");
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${encoded}</params></methodCall>`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    if (entity === "lt") return "<";
    if (entity === "gt") return ">";
    if (entity === "amp") return "&";
    if (entity === "quot") return '"';
    if (entity === "apos") return "'";
    const code = entity.startsWith("#x") ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** A tiny cursor over XML-RPC markup (no attributes, no comments: what supervisord writes). */
class Reader {
  private pos = 0;
  constructor(private readonly xml: string) {}

  private skipSpace(): void {
    while (this.pos < this.xml.length && /\s/.test(this.xml[this.pos] ?? "")) this.pos += 1;
  }

  peekTag(): string | undefined {
    this.skipSpace();
    const match = /^<(\/?[A-Za-z0-9_.:-]+)\s*(\/?)>/.exec(this.xml.slice(this.pos, this.pos + 64));
    if (match === null) return undefined;
    return match[2] === "/" ? `${match[1]}/` : match[1];
  }

  open(name: string): boolean {
    this.skipSpace();
    const selfClosing = `<${name}/>`;
    if (this.xml.startsWith(selfClosing, this.pos)) {
      this.pos += selfClosing.length;
      return false;
    }
    const tag = `<${name}>`;
    if (!this.xml.startsWith(tag, this.pos)) throw new XmlRpcParseError(`expected <${name}> at ${this.pos}`);
    this.pos += tag.length;
    return true;
  }

  close(name: string): void {
    this.skipSpace();
    const tag = `</${name}>`;
    if (!this.xml.startsWith(tag, this.pos)) throw new XmlRpcParseError(`expected </${name}> at ${this.pos}`);
    this.pos += tag.length;
  }

  text(): string {
    const end = this.xml.indexOf("<", this.pos);
    if (end === -1) throw new XmlRpcParseError("unterminated text");
    const raw = this.xml.slice(this.pos, end);
    this.pos = end;
    return decodeEntities(raw);
  }

  skipDeclaration(): void {
    this.skipSpace();
    if (this.xml.startsWith("<?xml", this.pos)) {
      const end = this.xml.indexOf("?>", this.pos);
      if (end === -1) throw new XmlRpcParseError("unterminated XML declaration");
      this.pos = end + 2;
    }
  }
}

function readValue(reader: Reader): XmlRpcValue {
  if (!reader.open("value")) return "";
  const tag = reader.peekTag();
  let value: XmlRpcValue;
  if (tag === undefined || tag === "/value") {
    value = reader.text(); // an untyped value is a string
  } else {
    const type = tag.endsWith("/") ? tag.slice(0, -1) : tag;
    if (type === "nil") {
      reader.open("nil");
      value = null;
    } else if (type === "array") {
      reader.open("array");
      const items: XmlRpcValue[] = [];
      if (reader.open("data")) {
        while (reader.peekTag() === "value" || reader.peekTag() === "value/") items.push(readValue(reader));
        reader.close("data");
      }
      reader.close("array");
      value = items;
    } else if (type === "struct") {
      const struct: Record<string, XmlRpcValue> = {};
      if (reader.open("struct")) {
        while (reader.peekTag() === "member") {
          reader.open("member");
          reader.open("name");
          const name = reader.text();
          reader.close("name");
          struct[name] = readValue(reader);
          reader.close("member");
        }
        reader.close("struct");
      }
      value = struct;
    } else {
      const text = reader.open(type) ? reader.text() : "";
      if (!tag.endsWith("/")) reader.close(type);
      if (type === "int" || type === "i4" || type === "i8") value = parseInt(text, 10);
      else if (type === "double") value = Number(text);
      else if (type === "boolean") value = text.trim() === "1";
      else if (type === "base64") value = Buffer.from(text, "base64").toString("utf8");
      else value = text;
    }
  }
  reader.close("value");
  return value;
}

/** Decodes a `methodResponse` body. */
export function decodeResponse(xml: string): XmlRpcResponse {
  const reader = new Reader(xml);
  reader.skipDeclaration();
  reader.open("methodResponse");
  if (reader.peekTag() === "fault") {
    reader.open("fault");
    const fault = readValue(reader);
    reader.close("fault");
    if (typeof fault !== "object" || fault === null || Array.isArray(fault)) {
      throw new XmlRpcParseError("a fault without a struct");
    }
    return {
      ok: false,
      faultCode: typeof fault.faultCode === "number" ? fault.faultCode : -1,
      faultString: typeof fault.faultString === "string" ? fault.faultString : "unknown fault",
    };
  }
  reader.open("params");
  reader.open("param");
  const value = readValue(reader);
  reader.close("param");
  reader.close("params");
  reader.close("methodResponse");
  return { ok: true, value };
}
