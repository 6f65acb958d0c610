/** A small well-formedness check for the JUnit XML the verifier writes (no XML parser dependency). */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: ReadonlyArray<XmlElement>;
}

const decodeEntities = (s: string): string =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");

const checkText = (text: string): void => {
  if (text.includes("<") || /&(?!(?:lt|gt|quot|apos|amp);)/.test(text)) {
    throw new Error(`unescaped markup in text: ${text.slice(0, 80)}`);
  }
};

const parseAttributes = (source: string): Record<string, string> => {
  const attributes: Record<string, string> = {};
  const rest = source.replace(/\s*([A-Za-z_:][\w:.-]*)="([^"]*)"/g, (_m, name: string, value: string) => {
    checkText(value);
    if (name in attributes) throw new Error(`duplicate attribute ${name}`);
    attributes[name] = decodeEntities(value);
    return "";
  });
  if (rest.trim().length > 0) throw new Error(`malformed attributes: ${source}`);
  return attributes;
};

/**
 * Parses `xml` into its root element; throws on anything not well-formed (unbalanced or crossed tags,
 * unquoted or duplicate attributes, raw `<` or `&` in text, more than one root, missing declaration).
 */
export const parseXml = (xml: string): XmlElement => {
  const declaration = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (declaration === null) throw new Error("missing XML declaration");
  type Open = { name: string; attributes: Record<string, string>; text: string; children: Array<XmlElement> };
  const root: Open = { name: "#document", attributes: {}, text: "", children: [] };
  const stack: Array<Open> = [root];
  const tagRe = /<(\/?)([A-Za-z_][\w:.-]*)([^<>]*?)(\/?)>/g;
  let last = declaration[0].length;
  for (const m of xml.matchAll(tagRe)) {
    const top = stack.at(-1);
    if (top === undefined) throw new Error("content after the root element");
    const between = xml.slice(last, m.index);
    checkText(between);
    top.text += decodeEntities(between);
    last = m.index + m[0].length;
    const [, closing, name = "", attrs = "", selfClosing] = m;
    if (closing === "/") {
      const open = stack.pop();
      if (open === undefined || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      const parent = stack.at(-1);
      if (parent === undefined) throw new Error("unbalanced tags");
      parent.children.push(open);
      continue;
    }
    const element: Open = { name, attributes: parseAttributes(attrs), text: "", children: [] };
    if (selfClosing === "/") top.children.push(element);
    else stack.push(element);
  }
  const tail = xml.slice(last);
  if (tail.trim().length > 0) throw new Error(`text after the root element: ${tail.slice(0, 40)}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  const [only, ...others] = root.children;
  if (only === undefined || others.length > 0)
    throw new Error("an XML document has exactly one root element");
  return only;
};

/** All descendants named `name`, depth first. */
export const descendants = (element: XmlElement, name: string): ReadonlyArray<XmlElement> =>
  element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
