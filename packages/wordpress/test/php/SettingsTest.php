<?php
/**
 * Settings → pay-link's save (the sanitize callback options.php runs): a proxy URL is stored only when its
 * /v1/config answers as a pay-link proxy, the notice for one that does not is escaped, what a proxy says is
 * cleaned before it is stored, and the page that lists it escapes it again. Proxies here are answered by a
 * `pre_http_request` filter (WordPress's own seam for this) or, for "unreachable", by a closed local port.
 *
 * @package PayLink
 */

final class SettingsTest extends PayLinkTestCase {

	public static function setUpBeforeClass(): void {
		// What wp-admin loads for the settings page: settings_fields(), submit_button(), settings_errors().
		require_once ABSPATH . 'wp-admin/includes/template.php';
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}

	/** @var array<string, array{code: int, body: string}> URL → answer, for the fake proxies below. */
	private array $answers = array();
	/** @var string[] URLs requested. */
	private array $requested = array();
	private $filter;

	protected function setUp(): void {
		parent::setUp();
		$this->filter = function ( $pre, $args, $url ) {
			$this->requested[] = ( $args['method'] ?? 'GET' ) . ' ' . $url;
			foreach ( $this->answers as $prefix => $answer ) {
				if ( 0 === strpos( $url, $prefix ) ) {
					$headers = 'OPTIONS' === ( $args['method'] ?? 'GET' ) ? array( 'access-control-allow-origin' => pay_link_site_origin() ) : array();
					return array( 'headers' => $headers, 'body' => $answer['body'], 'response' => array( 'code' => $answer['code'], 'message' => '' ), 'cookies' => array(), 'filename' => null );
				}
			}
			return $pre;
		};
		add_filter( 'pre_http_request', $this->filter, 10, 3 );
	}

	protected function tearDown(): void {
		remove_filter( 'pre_http_request', $this->filter, 10 );
		parent::tearDown();
	}

	private function errors(): array {
		return array_column( get_settings_errors( PAY_LINK_OPTION ), 'message', 'code' );
	}

	public function test_an_unreachable_proxy_is_refused_with_a_notice_and_the_previous_url_kept(): void {
		$clean = pay_link_sanitize_settings( array( 'proxy_url' => 'http://127.0.0.1:9/', 'presentation' => 'popup', 'lang' => 'hi' ) );
		$this->assertSame( self::PROXY, $clean['proxy_url'], 'the previous URL stays' );
		$this->assertSame( 'popup', $clean['presentation'], 'the other fields still save' );
		$this->assertSame( 'hi', $clean['lang'] );
		$errors = $this->errors();
		$this->assertArrayHasKey( 'pay_link_proxy_unreachable', $errors );
		$this->assertStringStartsWith( 'The proxy URL was not saved: http://127.0.0.1:9 did not answer as a pay-link proxy (', $errors['pay_link_proxy_unreachable'] );
		$this->assertSame( self::CONFIG, pay_link_get_proxy_config(), "the old proxy's config stays" );
	}

	public function test_a_server_that_is_not_a_pay_link_proxy_is_refused(): void {
		$this->answers['https://blog.example.org/v1/config'] = array( 'code' => 200, 'body' => '<html>a blog</html>' );
		$this->answers['https://gone.example.org/v1/config'] = array( 'code' => 404, 'body' => '{"products":[]}' );
		$this->answers['https://odd.example.org/v1/config']  = array( 'code' => 200, 'body' => '{"products":"chai-tin"}' );
		foreach ( array( 'https://blog.example.org' => 'HTTP 200', 'https://gone.example.org' => 'HTTP 404', 'https://odd.example.org' => 'HTTP 200' ) as $url => $why ) {
			$GLOBALS['wp_settings_errors'] = array();
			$this->assertSame( self::PROXY, pay_link_sanitize_settings( array( 'proxy_url' => $url ) )['proxy_url'], $url );
			$this->assertStringContainsString( "{$url} did not answer as a pay-link proxy ({$why}, no pay-link config)", $this->errors()['pay_link_proxy_unreachable'] ?? '', $url );
		}
	}

	public function test_a_url_that_is_not_http_is_refused_and_the_notice_escapes_what_was_typed(): void {
		foreach ( array( 'javascript:alert(1)//<script>alert(2)</script>', 'ftp://pay.example.com', 'data:text/html,<b>x</b>', 'https://' ) as $typed ) {
			$GLOBALS['wp_settings_errors'] = array();
			$this->assertSame( self::PROXY, pay_link_sanitize_settings( array( 'proxy_url' => $typed ) )['proxy_url'], $typed );
			$message = $this->errors()['pay_link_proxy_invalid'] ?? '';
			$this->assertSame( 'The proxy URL was not saved: <code>' . esc_html( $typed ) . '</code> is not an http:// or https:// URL. The previous URL is kept.', $message, $typed );
		}
		$this->assertSame( array(), $this->requested, 'nothing was fetched' );
		// settings_errors() prints messages unescaped: what reaches the page holds no tag but <code>.
		ob_start();
		settings_errors( PAY_LINK_OPTION );
		$html = ob_get_clean();
		$this->assertStringNotContainsString( '<script', $html );
		$this->assertStringNotContainsString( '<b>', $html );
	}

	public function test_a_hostile_url_that_does_look_like_http_is_fetched_cleaned_and_its_error_escaped(): void {
		pay_link_sanitize_settings( array( 'proxy_url' => 'https://evil.example.org/"><script>alert(1)</script>' ) );
		$this->assertSame( array( 'GET https://evil.example.org/scriptalert(1)/script/v1/config' ), $this->requested, 'esc_url_raw dropped the quote and the angle brackets' );
		$message = $this->errors()['pay_link_proxy_unreachable'] ?? '';
		$this->assertStringNotContainsString( '<', $message );
		$this->assertStringNotContainsString( '"', $message );
	}

	public function test_an_empty_url_disconnects_the_proxy(): void {
		$clean = pay_link_sanitize_settings( array( 'proxy_url' => '  ' ) );
		$this->assertSame( '', $clean['proxy_url'] );
		$this->assertSame( array(), pay_link_get_proxy_config() );
		$this->assertSame( array(), $this->errors() );
	}

	public function test_a_proxy_that_answers_is_stored_with_what_it_said_cleaned(): void {
		$this->answers['http://127.0.0.1:8787/'] = array(
			'code' => 200,
			'body' => wp_json_encode(
				array(
					'testMode' => true,
					'products' => array(
						array( 'id' => 'chai-tin', 'name' => 'Masala chai <script>alert(1)</script>tin', 'amount' => array( 'value' => 49900, 'currency' => 'INR' ) ),
						array( 'id' => 'bad id" onclick="x', 'name' => 'dropped', 'amount' => array( 'value' => 1, 'currency' => 'INR' ) ),
						array( 'id' => "newline\n", 'name' => 'dropped too', 'amount' => array( 'value' => 1, 'currency' => 'INR' ) ),
						array( 'id' => 'odd-amount', 'amount' => array( 'value' => '12abc', 'currency' => 'idr<b>' ) ),
						'not an object',
					),
				)
			),
		);
		$clean = pay_link_sanitize_settings( array( 'proxy_url' => 'http://127.0.0.1:8787/', 'presentation' => 'modal', 'lang' => 'xx' ) );
		$this->assertSame( array( 'proxy_url' => 'http://127.0.0.1:8787', 'presentation' => 'auto', 'lang' => '' ), $clean );
		$this->assertSame( array(), $this->errors() );
		$this->assertContains( 'OPTIONS http://127.0.0.1:8787/v1/links', $this->requested, 'the origin check is a preflight' );
		$config = pay_link_get_proxy_config();
		$this->assertTrue( $config['testMode'] );
		$this->assertTrue( $config['originAllowed'] );
		$this->assertSame(
			array(
				array( 'id' => 'chai-tin', 'name' => 'Masala chai tin', 'value' => 49900, 'currency' => 'INR' ),
				array( 'id' => 'odd-amount', 'name' => 'odd-amount', 'value' => 12, 'currency' => '' ),
			),
			$config['products']
		);
	}

	public function test_the_settings_page_escapes_what_it_shows_and_lists_the_products(): void {
		$config                        = self::CONFIG;
		$config['products'][0]['name'] = '<img src=x onerror=alert(1)>';
		$config['originAllowed']       = false;
		update_option( PAY_LINK_CONFIG_OPTION, $config, false );
		$this->as_editor();
		ob_start();
		pay_link_render_settings_page();
		$html = ob_get_clean();
		$this->assertStringNotContainsString( '<img', $html );
		$this->assertStringContainsString( '<td>&lt;img src=x onerror=alert(1)&gt;</td>', $html );
		$this->assertStringContainsString( '<td><code>bali-kopi</code></td><td>Bali kopi, 200 g</td><td>150,000.00 IDR</td>', $html );
		$this->assertStringContainsString( '2 products', $html );
		$this->assertStringContainsString( '<strong>Test mode:</strong>', $html );
		$this->assertMatchesRegularExpression( '/id="pay-link-origin".*PAY_LINK_ALLOWED_ORIGINS=' . preg_quote( pay_link_site_origin(), '/' ) . '/', $html );
		$this->assertStringContainsString( 'value="' . self::PROXY . '"', $html );
	}

	public function test_the_settings_page_shows_nothing_to_a_user_without_manage_options(): void {
		wp_set_current_user( 0 );
		ob_start();
		pay_link_render_settings_page();
		$this->assertSame( '', ob_get_clean() );
	}

	public function test_money_is_formatted_by_the_iso_4217_exponent(): void {
		$this->assertSame( '499.00 INR', pay_link_format_money( 49900, 'INR' ) );
		$this->assertSame( '1,500 JPY', pay_link_format_money( 1500, 'JPY' ) );
		$this->assertSame( '1.250 KWD', pay_link_format_money( 1250, 'KWD' ) );
	}
}
