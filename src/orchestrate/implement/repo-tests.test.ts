import { describe, expect, it } from 'vitest';
import { findRepoTests, reachableFiles } from './repo-tests.js';

const FILES: Record<string, string> = {
  'test/strings.test.ts': "import { slugify } from '../src/strings';\ntest('x', () => expect(slugify('a')).toBe('a'));",
  'src/__tests__/more.ts': "import { slugify } from '../strings.js';\nslugify('b');",
  'test/other.test.ts': "import { slugify } from '../src/other';\nslugify('c');",
  'test/titles.spec.ts': "import { titleCase } from '../src/strings';\n",
  'node_modules/x/strings.test.ts': "import { slugify } from '../src/strings';\n",
  'src/strings.ts': 'export function slugify() {}',
  'tests/test_strings.py': 'from textkit.strings import slugify\n\ndef test_a():\n    assert slugify("a") == "a"\n',
  'tests/test_links.py': 'from textkit.links import article_path\n',
  'tests/strings_test.py': 'import textkit.strings\n\ndef test_b():\n    assert textkit.strings.slugify("b") == "b"\n',
};

describe('findRepoTests', () => {
  const find = (language: 'typescript' | 'python', target: string): string[] =>
    findRepoTests({ paths: Object.keys(FILES), read: (path) => FILES[path], target, name: 'slugify', language });

  it('takes test files by the runners\' names that name the function and import its module', () => {
    expect(find('typescript', 'src/strings.ts')).toEqual(['src/__tests__/more.ts', 'test/strings.test.ts']);
    expect(find('python', 'textkit/strings.py')).toEqual(['tests/strings_test.py', 'tests/test_strings.py']);
  });
});

describe('reachableFiles', () => {
  it('keeps the test files and what they import, directly or not, and nothing else', () => {
    const files = {
      'test/a.test.ts': "import { a } from '../src/a';\nimport { describe } from 'vitest';",
      'src/a.ts': "export { b } from './b.js';\nexport const a = 1;",
      'src/b.ts': "import { c } from './lib';\nexport const b = c;",
      'src/lib/index.ts': 'export const c = 2;',
      'src/unused.ts': 'export const u = 3;',
      'test/other.test.ts': "import { u } from '../src/unused';",
    };
    expect(Object.keys(reachableFiles(files, ['test/a.test.ts'])).sort()).toEqual(['src/a.ts', 'src/b.ts', 'src/lib/index.ts', 'test/a.test.ts']);
  });
});
