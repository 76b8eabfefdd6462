import { launch, open, screenshot } from './browser.mjs';
const theme = process.argv[2];
const { page, errors, close } = await launch({ theme });
page.on('console', m => { if (m.type() === 'error') console.log('console.error', m.text().slice(0, 300)); });
for (const [name, path, wait] of JSON.parse(process.argv[3])) {
  await open(page, path);
  if (wait) await page.getByText(wait).first().waitFor({ timeout: 60000 }).catch(e => console.log('wait failed', wait));
  await page.waitForTimeout(1500);
  console.log(await screenshot(page, `dev-${name}-${theme}`));
}
console.log('errors', errors.map(e => e.message));
await close();
