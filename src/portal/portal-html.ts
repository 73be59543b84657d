import { PORTAL_LANGUAGES, type PortalLanguage } from '#haven/portal/exchange/portal-exchange.js';
import { LANGUAGE_NAMES, MESSAGES, type Messages } from '#haven/portal/i18n/messages.js';

/** Escapes text for HTML content and attribute values. */
export function esc(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The page frame: lang attribute, skip link, navigation, and a language switcher made of plain
 * links to the same page in each language (works without JavaScript).
 */
export function page(options: {
  lang: PortalLanguage;
  title: string;
  /** The path after /{lang}, e.g. /appeals/abc, to switch language in place. */
  here: string;
  body: string;
  script?: boolean;
}): string {
  const t: Messages = MESSAGES[options.lang];
  const switcher = PORTAL_LANGUAGES.map((lang) =>
    lang === options.lang
      ? `<li><span aria-current="true" lang="${lang}">${esc(LANGUAGE_NAMES[lang])}</span></li>`
      : `<li><a href="/${lang}${esc(options.here)}" lang="${lang}" hreflang="${lang}">${esc(LANGUAGE_NAMES[lang])}</a></li>`,
  ).join('');
  return `<!doctype html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noarchive">
<title>${esc(options.title)} - ${esc(t.siteName)}</title>
<link rel="stylesheet" href="/portal.css">
${options.script ? '<script src="/pow.js" defer></script>' : ''}
</head>
<body>
<a class="skip" href="#main">${esc(t.skip)}</a>
<header>
<p class="site"><a href="/${options.lang}/">${esc(t.siteName)}</a></p>
<nav aria-label="${esc(t.siteName)}"><ul>
<li><a href="/${options.lang}/">${esc(t.navAppeals)}</a></li>
<li><a href="/${options.lang}/statistics">${esc(t.navStatistics)}</a></li>
<li><a href="/${options.lang}/privacy">${esc(t.navPrivacy)}</a></li>
</ul></nav>
<nav aria-label="${esc(t.language)}"><ul class="languages">${switcher}</ul></nav>
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
</body>
</html>`;
}

/** Small, high-contrast, mobile-first styles (WCAG AA contrast, visible focus). */
export const PORTAL_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0b4f9c}
a:focus,button:focus,input:focus,textarea:focus,select:focus{outline:3px solid #c25400;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em}
header{background:#0d2b4f;color:#fff;padding:.5em 1em}
header a{color:#fff}
header ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1em}
.site{font-weight:bold;margin:.2em 0}
main{max-width:60em;margin:0 auto;padding:1em}
.gallery{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15em,1fr));gap:1em}
.gallery li{border:1px solid #767676;border-radius:4px;padding:.5em}
.pager ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5em}
.pager a{display:inline-block;min-width:2.5em;padding:.4em .6em;border:1px solid #767676;border-radius:3px;text-align:center}
.pager a[aria-current]{background:#0b4f9c;color:#fff;font-weight:bold}
img{max-width:100%;height:auto;display:block}
label{display:block;margin-top:.8em;font-weight:600}
input,textarea,select{width:100%;font:inherit;padding:.4em;border:1px solid #595959;border-radius:3px}
textarea{min-height:8em}
button{margin-top:1em;font:inherit;padding:.6em 1.2em;background:#0b4f9c;color:#fff;border:0;border-radius:3px;cursor:pointer}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12em,1fr));gap:.5em;align-items:end}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.notice{background:#eef4fb;border-left:4px solid #0b4f9c;padding:.5em 1em}
.error{background:#fdecea;border-left:4px solid #a4000f;padding:.5em 1em}
dl.figures{display:grid;grid-template-columns:1fr auto;gap:.3em 1em}
dl.figures dd{margin:0;font-weight:bold;text-align:right}
`;

/**
 * With JavaScript the form solves its proof of work while the visitor types, so it may be sent at
 * once; without, the signed token's minimum age applies instead.
 */
export const POW_SCRIPT = `
(function(){
  var form=document.querySelector('form[data-pow-bits]');
  if(!form||!window.crypto||!crypto.subtle||!window.TextEncoder)return;
  var bits=Number(form.getAttribute('data-pow-bits'));
  var token=form.querySelector('input[name=token]').value;
  var out=form.querySelector('input[name=pow]');
  var enc=new TextEncoder();
  function zeroBits(b){for(var i=0;i<bits;i++){if((b[i>>3]>>(7-(i&7)))&1)return false}return true}
  var n=0;
  function step(){
    var batch=[];
    for(var k=0;k<256;k++){batch.push(n++)}
    Promise.all(batch.map(function(c){return crypto.subtle.digest('SHA-256',enc.encode(token+':'+c)).then(function(d){return [c,new Uint8Array(d)]})}))
      .then(function(results){
        for(var r=0;r<results.length;r++){if(zeroBits(results[r][1])){out.value=String(results[r][0]);form.setAttribute('data-pow-done','1');return}}
        setTimeout(step,0);
      });
  }
  step();
})();
`;
