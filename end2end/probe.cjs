const { chromium } = require('playwright-core');
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-dev-shm-usage'] });
  const p = await b.newPage();
  p.on('console', m => console.log('console', m.type(), m.text().slice(0, 300)));
  p.on('pageerror', e => console.log('pageerror', String(e).slice(0, 500)));
  p.on('requestfailed', r => console.log('failed', r.url(), r.failure()?.errorText));
  await p.goto(process.argv[2], { waitUntil: 'load' });
  await p.waitForTimeout(4000);
  console.log('hydrated:', await p.evaluate(() => document.body.dataset.hydrated));
  await b.close();
})();
