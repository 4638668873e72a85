// The repository's settings, plus: templates in their own .html files (v20 naming: `stats-page.html`,
// not `*.component.html`) are Angular templates, so Prettier must parse their control flow as such.
import root from '../.prettierrc.json' with { type: 'json' };

export default { ...root, overrides: [{ files: '*.html', options: { parser: 'angular' } }] };
